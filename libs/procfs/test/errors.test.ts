import { describeErrorCatalog } from '@concurrency-lab/errors/testing';
import * as procfs from '../src/index';
import { ERROR_CATALOG, ERROR_NAMESPACE } from '../src/errors';

describeErrorCatalog('@concurrency-lab/procfs', {
  namespace: ERROR_NAMESPACE,
  catalog: ERROR_CATALOG,
  exports: procfs,
  guard: {
    is: procfs.isProcfsError,
    // Node's own code for an argument out of range, and another library's for the same kind.
    foreignCodes: ['ERR_OUT_OF_RANGE', 'ERR_LOCK_INVALID_ARGUMENT', 'ERR_INVALID_ARGUMENT'],
  },
});

describe('isProcfsError', () => {
  // With one code, describeErrorCatalog has no second code of ours to ask for: a code that is
  // not the error's (a JavaScript caller's, a code a later release may add) must still say no.
  it('refuses its own error asked for a code it does not carry', () => {
    const error = new procfs.InvalidArgumentError();
    expect(procfs.isProcfsError(error, error.code)).toBe(true);
    expect(procfs.isProcfsError(error, 'ERR_PROCFS_OTHER' as procfs.ProcfsErrorCode)).toBe(false);
  });
});
