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
  // What queues and workloads throw (the queues test checks with the real classes), and the old
  // unprefixed codes.
  guard: {
    is: isLockError,
    foreignCodes: ['ERR_QUEUE_INVALID_ARGUMENT', 'ERR_INVALID_ARGUMENT', 'ERR_DEADLOCK'],
  },
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

// README: "every class has a default message (its meaning)". The classes with structured fields
// above are built with fields in the catalog checks, so without any argument only here.
describe.each(LOCK_ERRORS.map((errorClass) => [errorClass.name, errorClass] as const))(
  '%s built with no arguments',
  (_name, errorClass) => {
    it('says its catalog meaning', () => {
      const meaning = ERROR_CATALOG.find((entry) => entry.code === errorClass.code)?.meaning;
      const error = new (errorClass as unknown as new () => LockError)();
      expect(error.message).toBe(meaning);
      expect(error.code).toBe(errorClass.code);
    });
  },
);

describe('the structured classes, given some of their fields', () => {
  it('say what they were given, never "undefined"', () => {
    expect(new locks.LockTimeoutError('A').message).toBe('timed out waiting for A');
    expect(new locks.LockTimeoutError(undefined, 5).message).toBe(
      'timed out after 5 ms waiting for a lock',
    );
    expect(new locks.OverReleaseError('S').message).toBe('S released beyond its bound');
    expect(new locks.DeadlockError([]).cycle).toEqual([]);
    expect(new locks.DeadlockError().locks).toEqual([]);
  });
});
