import * as locks from '../src/index';
import { describeErrorCatalog } from '@concurrency-lab/errors/testing';
import { ERROR_CATALOG, ERROR_NAMESPACE } from '../src/errors';
import { isLockError, LOCK_ERRORS, LockError } from '../src/index';
import vm from 'node:vm';
import { failureOf, nextMessage, startWorker, terminateAll } from './support/workers';

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

/** Error.isError is in Node 24 but not in the workspace's ES2023 TypeScript lib. */
const isError = (value: unknown): boolean =>
  (Error as ErrorConstructor & { isError(value: unknown): boolean }).isError(value);

describe('isLockError', () => {
  afterEach(terminateAll);

  it('refuses a plain object carrying a lock code: it is not an Error', () => {
    expect(isLockError({ code: 'ERR_LOCK_TIMEOUT', message: 'x' })).toBe(false);
    expect(isLockError({ code: 'ERR_LOCK_TIMEOUT' }, 'ERR_LOCK_TIMEOUT')).toBe(false);
    // What a `{ code, message }` posted to another thread arrives as.
    expect(isLockError(structuredClone({ code: 'ERR_LOCK_TIMEOUT', message: 'x' }))).toBe(false);
  });

  it('recognises an Error of another realm (vm) by its code, where instanceof fails', () => {
    const foreign: unknown = vm.runInNewContext(
      'const e = new Error("x"); e.code = "ERR_LOCK_TIMEOUT"; e',
    );
    expect(foreign instanceof Error).toBe(false);
    expect(isLockError(foreign)).toBe(true);
    expect(isLockError(foreign, 'ERR_LOCK_TIMEOUT')).toBe(true);
    expect(isLockError(foreign, 'ERR_LOCK_DEADLOCK')).toBe(false);
  });

  // Pins what the doc comment says: if Node ever kept own properties in a clone, this fails and
  // the docs (and perhaps the guard's callers) must change.
  it('refuses a lock error posted from a worker thread: the clone drops its code', async () => {
    const worker = startWorker('error-crossing.cjs', { via: 'postMessage' });
    const { error, codeHere } = await nextMessage<{ error: unknown; codeHere: string }>(worker);
    expect(codeHere).toBe('ERR_LOCK_TIMEOUT');
    expect(isError(error)).toBe(true);
    // message survives, the subclass's name does not (only built-in names are kept).
    expect(error).toMatchObject({ name: 'Error', message: 'timed out after 5 ms waiting for A' });
    expect((error as { code?: unknown }).code).toBeUndefined();
    expect(isLockError(error)).toBe(false);
  });

  it("recognises a worker's uncaught lock error: the 'error' event keeps its code", async () => {
    const error = await failureOf(startWorker('error-crossing.cjs', { via: 'throw' }));
    // Node rebuilds it as an object on Error.prototype tagged 'Error', not a real Error: the
    // guard goes by that tag, since `Error.isError` (or jest's realm, for instanceof) refuses it.
    expect(isError(error)).toBe(false);
    expect(Object.prototype.toString.call(error)).toBe('[object Error]');
    expect(isLockError(error, 'ERR_LOCK_TIMEOUT')).toBe(true);
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
