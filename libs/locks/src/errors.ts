/**
 * Every error this library throws on purpose, in one registry. Callers branch on `code`, which
 * is part of the contract; messages are for humans and may change at any time.
 *
 * An aborted wait is the one exception: it rejects with `signal.reason` itself, like every other
 * signal-aware API in this repository (WorkRunner, sleep), so the aborter's own error survives.
 */

/** Base class, so callers can tell "a lock refused" from any other failure. */
export abstract class LockError extends Error {
  /** Stable machine-readable identifier, also available on the class itself. */
  abstract readonly code: string;
}

/** A wait (acquire, Event/Condition/Barrier wait) gave up after its `timeout`. */
export class LockTimeoutError extends LockError {
  static readonly code = 'ERR_LOCK_TIMEOUT';
  override readonly name = 'LockTimeoutError';
  readonly code = LockTimeoutError.code;
  /** Name of the primitive that was waited on. */
  readonly lock: string;
  readonly timeoutMs: number;

  constructor(lock: string, timeoutMs: number, options?: ErrorOptions) {
    super(`timed out after ${timeoutMs} ms waiting for ${lock}`, options);
    this.lock = lock;
    this.timeoutMs = timeoutMs;
  }
}

/** One edge of a wait-for cycle: `owner` waits for `lock`, which `heldBy` holds or is ahead for. */
export interface DeadlockEdge {
  readonly owner: string;
  readonly lock: string;
  readonly heldBy: string;
}

/**
 * Waiting would never end: the wait-for graph has a cycle through the caller (in-loop locks),
 * or a thread blocks on a shared lock it holds itself. The wait is refused instead of hanging.
 */
export class DeadlockError extends LockError {
  static readonly code = 'ERR_DEADLOCK';
  override readonly name = 'DeadlockError';
  readonly code = DeadlockError.code;
  /** The cycle, starting with the refused wait; the last edge's `heldBy` is the first's `owner`. */
  readonly cycle: readonly DeadlockEdge[];

  constructor(cycle: readonly DeadlockEdge[], options?: ErrorOptions) {
    const steps = cycle.map(
      (edge) => `${edge.owner} waits for ${edge.lock} held by ${edge.heldBy}`,
    );
    super(`deadlock: ${steps.join(', ')}`, options);
    this.cycle = cycle;
  }

  /** The locks of the cycle, in wait order. */
  get locks(): string[] {
    return this.cycle.map((edge) => edge.lock);
  }
}

/** Released or notified by someone who does not hold the lock (another thread, or nobody). */
export class NotOwnerError extends LockError {
  static readonly code = 'ERR_NOT_OWNER';
  override readonly name = 'NotOwnerError';
  readonly code = NotOwnerError.code;
}

/** A BoundedSemaphore was released more times than it was acquired. */
export class OverReleaseError extends LockError {
  static readonly code = 'ERR_OVER_RELEASE';
  override readonly name = 'OverReleaseError';
  readonly code = OverReleaseError.code;
  readonly lock: string;
  readonly bound: number;

  constructor(lock: string, bound: number, options?: ErrorOptions) {
    super(`${lock} released beyond its bound of ${bound} permits`, options);
    this.lock = lock;
    this.bound = bound;
  }
}

/** A Barrier was aborted, reset, or broken by a timeout or a failing action. */
export class BarrierBrokenError extends LockError {
  static readonly code = 'ERR_BARRIER_BROKEN';
  override readonly name = 'BarrierBrokenError';
  readonly code = BarrierBrokenError.code;
}

/** An RLock was taken outside any LockOwner: reentrancy needs to know who "the same task" is. */
export class OwnerRequiredError extends LockError {
  static readonly code = 'ERR_OWNER_REQUIRED';
  override readonly name = 'OwnerRequiredError';
  readonly code = OwnerRequiredError.code;
}

/** A blocking (Atomics.wait) call on the main thread, which must never block. */
export class MainThreadWaitError extends LockError {
  static readonly code = 'ERR_MAIN_THREAD_WAIT';
  override readonly name = 'MainThreadWaitError';
  readonly code = MainThreadWaitError.code;
}

/** A shared primitive's fixed waiter table is full (see the `maxWaiters` option). */
export class TooManyWaitersError extends LockError {
  static readonly code = 'ERR_TOO_MANY_WAITERS';
  override readonly name = 'TooManyWaitersError';
  readonly code = TooManyWaitersError.code;
}

/** An option or argument is out of its domain; the message says what was expected and got. */
export class InvalidArgumentError extends LockError {
  static readonly code = 'ERR_INVALID_ARGUMENT';
  override readonly name = 'InvalidArgumentError';
  readonly code = InvalidArgumentError.code;
}

/** What a registry entry looks like: a constructible error class carrying its code statically. */
export interface LockErrorClass {
  readonly code: string;
  readonly name: string;
  readonly prototype: LockError;
}

/** Every error class above, e.g. to map codes to HTTP statuses exhaustively. */
export const LOCK_ERRORS: readonly LockErrorClass[] = [
  LockTimeoutError,
  DeadlockError,
  NotOwnerError,
  OverReleaseError,
  BarrierBrokenError,
  OwnerRequiredError,
  MainThreadWaitError,
  TooManyWaitersError,
  InvalidArgumentError,
];
