import * as locks from '../src/index';
import {
  ERROR_CATALOG,
  isLockError,
  LOCK_ERRORS,
  LockError,
  type LockErrorClass,
} from '../src/index';

// The classes whose constructor takes structured fields instead of a message; every other
// class is built with no argument at all (its catalog meaning is the default message).
const STRUCTURED = new Map<string, () => LockError>([
  ['LockTimeoutError', () => new locks.LockTimeoutError('A', 5)],
  ['DeadlockError', () => new locks.DeadlockError([{ owner: 't1', lock: 'A', heldBy: 't1' }])],
  ['OverReleaseError', () => new locks.OverReleaseError('S', 2)],
]);

/** The class the library exports under `name` (the catalog's className). */
function exported(name: string): LockErrorClass {
  const found = (locks as Record<string, unknown>)[name];
  if (typeof found !== 'function') throw new Error(`@concurrency-lab/locks exports no ${name}`);
  return found as unknown as LockErrorClass;
}

function example(errorClass: LockErrorClass): LockError {
  const build = STRUCTURED.get(errorClass.name);
  return build ? build() : new (errorClass as unknown as new () => LockError)();
}

describe('ERROR_CATALOG and LOCK_ERRORS', () => {
  it('describe the same classes, each exported under its catalog className', () => {
    expect(new Set(ERROR_CATALOG.map((entry) => exported(entry.className)))).toEqual(
      new Set(LOCK_ERRORS),
    );
    expect(ERROR_CATALOG).toHaveLength(LOCK_ERRORS.length);
  });

  it('have unique codes and names, all namespaced ERR_LOCK_*', () => {
    const codes = ERROR_CATALOG.map((entry) => entry.code);
    const names = LOCK_ERRORS.map((errorClass) => errorClass.name);
    expect(new Set(codes).size).toBe(codes.length);
    expect(new Set(names).size).toBe(names.length);
    for (const code of codes) expect(code).toMatch(/^ERR_LOCK_[A-Z_]+$/);
  });

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

  describe.each(ERROR_CATALOG.map((entry) => [entry.className, entry] as const))(
    '%s',
    (className, entry) => {
      const errorClass = exported(className);

      it('has its stable ERR_LOCK_* code on the class', () => {
        expect(errorClass.code).toBe(entry.code);
        expect(errorClass.code).toMatch(/^ERR_[A-Z_]+$/);
      });

      it('creates Errors that carry the class name, the code and a message', () => {
        const error = example(errorClass);
        expect(error).toBeInstanceOf(Error);
        expect(error).toBeInstanceOf(LockError);
        expect(error).toBeInstanceOf(errorClass as unknown as typeof LockError);
        expect(error.name).toBe(className);
        expect(error.code).toBe(errorClass.code);
        expect(error.message.length).toBeGreaterThan(0);
        expect(typeof error.stack).toBe('string');
        expect(isLockError(error)).toBe(true);
        expect(isLockError(error, entry.code)).toBe(true);
      });

      if (!STRUCTURED.has(className)) {
        it('says what it means when built without a message', () => {
          expect(example(errorClass).message).toBe(entry.meaning);
        });
      }
    },
  );

  it('keeps a cause when given one', () => {
    const cause = new Error('root');
    expect(new locks.NotOwnerError('wrapped', { cause }).cause).toBe(cause);
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

describe('isLockError', () => {
  it('recognises errors by code, so an error that crossed a thread (structured clone) still matches', () => {
    const cloned = structuredClone({ code: 'ERR_LOCK_TIMEOUT', message: 'x' });
    expect(isLockError(cloned, 'ERR_LOCK_TIMEOUT')).toBe(true);
    expect(isLockError(cloned, 'ERR_LOCK_DEADLOCK')).toBe(false);
  });

  it('negative control: refuses codes of other libraries and the old unprefixed ones', () => {
    // What queues and workloads throw (the queues test checks with the real classes).
    expect(isLockError({ code: 'ERR_QUEUE_INVALID_ARGUMENT' })).toBe(false);
    expect(isLockError({ code: 'ERR_INVALID_ARGUMENT' })).toBe(false);
    expect(isLockError({ code: 'ERR_DEADLOCK' })).toBe(false);
    expect(isLockError(new Error('plain'))).toBe(false);
    expect(isLockError(null)).toBe(false);
  });
});
