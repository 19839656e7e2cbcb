import { describeErrorCatalog } from '@concurrency-lab/errors/testing';
import * as executors from '../src/index';
import { ERROR_CATALOG, ERROR_NAMESPACE } from '../src/errors';

describeErrorCatalog('@concurrency-lab/executors', {
  namespace: ERROR_NAMESPACE,
  catalog: ERROR_CATALOG,
  exports: executors,
  base: executors.ExecutorError,
  classes: executors.EXECUTOR_ERRORS,
  examples: {
    TimeoutError: () => new executors.TimeoutError('result()', 5),
    QueueFullError: () => new executors.QueueFullError(3),
    WorkerCrashedError: () => new executors.WorkerCrashedError({ kind: 'process', exitCode: 7 }),
  },
});

describe('WorkerCrashedError', () => {
  it('says how a crashed worker died', () => {
    expect(new executors.WorkerCrashedError({ kind: 'process', signal: 'SIGKILL' })).toMatchObject({
      signal: 'SIGKILL',
      exitCode: undefined,
    });
  });
});
