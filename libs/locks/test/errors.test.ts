import * as locks from '../src/index';
import { describeErrorCatalog } from '@concurrency-lab/errors/testing';
import { ERROR_CATALOG, ERROR_NAMESPACE } from '../src/errors';
import { isLockError, LOCK_ERRORS, LockError } from '../src/index';

// The classes whose constructor takes structured fields instead of a message; every other
// class is built with no argument at all (its catalog meaning is the default message).
const STRUCTURED: Record<string, () => LockError> = {
  LockTimeoutError: () => new locks.LockTimeoutError('A', 5),
  DeadlockError: () => new locks.DeadlockError([{ owner: 't1', lock: 'A', heldBy: 't1' }]),
  OverReleaseError: () => new locks.OverReleaseError('S', 2),
};

describeErrorCatalog('@concurrency-lab/locks', {
  namespace: ERROR_NAMESPACE,
  catalog: ERROR_CATALOG,
  exports: locks,
  base: LockError,
  classes: LOCK_ERRORS,
  meaningIsDefaultMessage: true,
  examples: STRUCTURED,
});

describe('the lock errors', () => {
  it('hold the codes the issue names', () => {
    expect(LOCK_ERRORS.map((errorClass) => errorClass.code)).toEqual(
      expect.arrayContaining([
        'ERR_LOCK_TIMEOUT',
        'ERR_LOCK_DEADLOCK',
        'ERR_LOCK_NOT_OWNER',
        'ERR_LOCK_BARRIER_BROKEN',
        'ERR_LOCK_OVER_RELEASE',
      ]),
    );
  });

  it.each(LOCK_ERRORS.map((errorClass) => [errorClass.name, errorClass] as const))(
    'isLockError recognises a %s, by its code',
    (_name, errorClass) => {
      const error =
        STRUCTURED[errorClass.name]?.() ?? new (errorClass as unknown as new () => LockError)();
      expect(isLockError(error)).toBe(true);
      expect(isLockError(error, errorClass.code)).toBe(true);
    },
  );

  it('exposes structured fields instead of asking callers to parse messages', () => {
    expect(new locks.LockTimeoutError('A', 5)).toMatchObject({ lock: 'A', timeoutMs: 5 });
    expect(new locks.OverReleaseError('S', 2)).toMatchObject({ lock: 'S', bound: 2 });
    const deadlock = new locks.DeadlockError([
      { owner: 't1', lock: 'B', heldBy: 't2' },
      { owner: 't2', lock: 'A', heldBy: 't1' },
    ]);
    expect(deadlock.locks).toEqual(['B', 'A']);
  });
});

describe('isLockError (hasCodeOf of @concurrency-lab/errors, tested there across realms and threads)', () => {
  it('refuses a plain object carrying a lock code: it is not an Error', () => {
    expect(isLockError({ code: 'ERR_LOCK_TIMEOUT', message: 'x' })).toBe(false);
    expect(isLockError({ code: 'ERR_LOCK_TIMEOUT' }, 'ERR_LOCK_TIMEOUT')).toBe(false);
    // What a `{ code, message }` posted to another thread arrives as.
    expect(isLockError(structuredClone({ code: 'ERR_LOCK_TIMEOUT', message: 'x' }))).toBe(false);
  });

  it('negative control: refuses codes of other libraries and the old unprefixed ones', () => {
    // What queues and workloads throw (the queues test checks with the real classes).
    // Real Errors, so that only the code can refuse them.
    const withCode = (code: string) => Object.assign(new Error('x'), { code });
    expect(isLockError(withCode('ERR_LOCK_TIMEOUT'))).toBe(true);
    expect(isLockError(withCode('ERR_QUEUE_INVALID_ARGUMENT'))).toBe(false);
    expect(isLockError(withCode('ERR_INVALID_ARGUMENT'))).toBe(false);
    expect(isLockError(withCode('ERR_DEADLOCK'))).toBe(false);
    expect(isLockError(new Error('plain'))).toBe(false);
    expect(isLockError(null)).toBe(false);
  });
});
