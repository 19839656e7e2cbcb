import { describeErrorCatalog } from '@concurrency-lab/errors/testing';
import * as errors from '../src/errors';

describeErrorCatalog('demos', {
  namespace: errors.ERROR_NAMESPACE,
  catalog: errors.ERROR_CATALOG,
  exports: errors,
  examples: {
    KnobError: () => new errors.KnobError('Expected `--n` to be …', '--n', ['--n']),
  },
});
