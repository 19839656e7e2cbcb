import { coded, hasCodeOf, type CatalogEntry, type ErrorClassOf } from '@concurrency-lab/errors';

/**
 * Every error this library throws on purpose, in one registry. Callers branch on `code`, which
 * is part of the contract and namespaced `ERR_LOCK_*` (unique across the workspace); messages
 * are for humans and may change at any time.
 *
 * An aborted wait is the one exception: it rejects with `signal.reason` itself, like every other
 * signal-aware API in this repository (WorkRunner, sleep), so the aborter's own error survives.
 */

/** Every code below starts with this: it says the error is this library's (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_LOCK_';

/** One row of a library's error catalog (the workspace generates docs/errors.md from them). */
export type ErrorCatalogEntry = CatalogEntry;

/**
 * Every code this library throws (or, for the observer, emits as a warning), its class and meaning.
 */
export const ERROR_CATALOG = [
  {
    code: 'ERR_LOCK_TIMEOUT',
    className: 'LockTimeoutError',
    meaning: 'A wait (an acquire, an Event, Condition or Barrier wait) reached its `timeout`.',
  },
  {
    code: 'ERR_LOCK_DEADLOCK',
    className: 'DeadlockError',
    meaning:
      'The wait would never end: it closes a cycle in the wait-for graph, or a thread blocks on a lock it holds.',
  },
  {
    code: 'ERR_LOCK_NOT_OWNER',
    className: 'NotOwnerError',
    meaning:
      'Released or notified by a thread or task that does not hold the lock, or a wait without a held token.',
  },
  {
    code: 'ERR_LOCK_OVER_RELEASE',
    className: 'OverReleaseError',
    meaning: 'A bounded semaphore was released more times than it was acquired.',
  },
  {
    code: 'ERR_LOCK_BARRIER_BROKEN',
    className: 'BarrierBrokenError',
    meaning: 'The barrier was aborted, reset, or broken by a timeout, an abort or a failed action.',
  },
  {
    code: 'ERR_LOCK_OWNER_REQUIRED',
    className: 'OwnerRequiredError',
    meaning: 'An RLock was taken outside any LockOwner, so reentrancy cannot tell who holds it.',
  },
  {
    code: 'ERR_LOCK_MAIN_THREAD_WAIT',
    className: 'MainThreadWaitError',
    meaning: 'A blocking (`*Sync`, Atomics.wait) call on the main thread, which must never block.',
  },
  {
    code: 'ERR_LOCK_TOO_MANY_WAITERS',
    className: 'TooManyWaitersError',
    meaning: "A shared primitive's fixed waiter table (`maxWaiters`) is full.",
  },
  {
    code: 'ERR_LOCK_INVALID_ARGUMENT',
    className: 'InvalidArgumentError',
    meaning: 'An option or argument is out of its domain; the message says what was expected.',
  },
  {
    code: 'ERR_LOCK_OBSERVER_FAILED',
    className: 'LockObserverError',
    meaning:
      'A lock observer threw; emitted as a process warning (never thrown), the lock carried on.',
  },
] as const satisfies readonly ErrorCatalogEntry[];

export type LockErrorCode = (typeof ERROR_CATALOG)[number]['code'];

const CODES: ReadonlySet<string> = new Set(ERROR_CATALOG.map((entry) => entry.code));

/** Base class, so callers can tell "a lock refused" from any other failure. */
export class LockError extends Error {
  /** Stable machine-readable identifier, also available on the class itself. */
  declare readonly code: LockErrorCode;
}

/**
 * The class for one catalog entry, made by `coded()`: `code` on the class and its instances,
 * the class's name as `name`, and the entry's meaning as the default message.
 */
function catalogued<C extends LockErrorCode>(code: C) {
  const entry = ERROR_CATALOG.find((row) => row.code === code) as ErrorCatalogEntry;
  return coded(code, entry.meaning, LockError);
}

/**
 * `message` when any of `fields` was given; else undefined, which `coded` turns into the
 * catalog meaning (an error built with no arguments never says "undefined").
 */
function ifGiven(fields: readonly unknown[], message: string): string | undefined {
  return fields.some((field) => field !== undefined) ? message : undefined;
}

/** A wait (acquire, Event/Condition/Barrier wait) gave up after its `timeout`. */
export class LockTimeoutError extends catalogued('ERR_LOCK_TIMEOUT') {
  /** Name of the primitive that was waited on (undefined only when built without one). */
  readonly lock: string | undefined;
  /** The caller's timeout (undefined only when built without one). */
  readonly timeoutMs: number | undefined;

  /** Built with neither field, its message is the catalog meaning, as every class's is. */
  constructor(lock?: string, timeoutMs?: number, options?: ErrorOptions) {
    const after = timeoutMs === undefined ? '' : ` after ${timeoutMs} ms`;
    super(ifGiven([lock, timeoutMs], `timed out${after} waiting for ${lock ?? 'a lock'}`), options);
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
export class DeadlockError extends catalogued('ERR_LOCK_DEADLOCK') {
  /** The cycle, starting with the refused wait; the last edge's `heldBy` is the first's `owner`. */
  readonly cycle: readonly DeadlockEdge[];

  /** Built without a cycle (or with an empty one), its message is the catalog meaning. */
  constructor(cycle: readonly DeadlockEdge[] = [], options?: ErrorOptions) {
    const steps = cycle.map(
      (edge) => `${edge.owner} waits for ${edge.lock} held by ${edge.heldBy}`,
    );
    super(steps.length === 0 ? undefined : `deadlock: ${steps.join(', ')}`, options);
    this.cycle = cycle;
  }

  /** The locks of the cycle, in wait order. */
  get locks(): string[] {
    return this.cycle.map((edge) => edge.lock);
  }
}

/** Released or notified by someone who does not hold the lock (another thread, or nobody). */
export class NotOwnerError extends catalogued('ERR_LOCK_NOT_OWNER') {}

/** A BoundedSemaphore was released more times than it was acquired. */
export class OverReleaseError extends catalogued('ERR_LOCK_OVER_RELEASE') {
  /** Name of the semaphore (undefined only when built without one). */
  readonly lock: string | undefined;
  /** Its bound (undefined only when built without one). */
  readonly bound: number | undefined;

  /** Built with neither field, its message is the catalog meaning, as every class's is. */
  constructor(lock?: string, bound?: number, options?: ErrorOptions) {
    const of = bound === undefined ? '' : ` of ${bound} permits`;
    super(
      ifGiven([lock, bound], `${lock ?? 'a bounded semaphore'} released beyond its bound${of}`),
      options,
    );
    this.lock = lock;
    this.bound = bound;
  }
}

/** A Barrier was aborted, reset, or broken by a timeout or a failing action. */
export class BarrierBrokenError extends catalogued('ERR_LOCK_BARRIER_BROKEN') {}

/** An RLock was taken outside any LockOwner: reentrancy needs to know who "the same task" is. */
export class OwnerRequiredError extends catalogued('ERR_LOCK_OWNER_REQUIRED') {}

/** A blocking (Atomics.wait) call on the main thread, which must never block. */
export class MainThreadWaitError extends catalogued('ERR_LOCK_MAIN_THREAD_WAIT') {}

/** A shared primitive's fixed waiter table is full (see the `maxWaiters` option). */
export class TooManyWaitersError extends catalogued('ERR_LOCK_TOO_MANY_WAITERS') {}

/** An option or argument is out of its domain; the message says what was expected and got. */
export class InvalidArgumentError extends catalogued('ERR_LOCK_INVALID_ARGUMENT') {}

/**
 * Never thrown: when a lock observer throws, a process warning (`process.on('warning')`) with
 * this name and code is emitted. Telemetry must not break the lock.
 */
export class LockObserverError extends catalogued('ERR_LOCK_OBSERVER_FAILED') {}

/**
 * What a registry entry looks like: an error class of this library carrying its code statically.
 */
export type LockErrorClass = ErrorClassOf<LockError, LockErrorCode>;

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
  LockObserverError,
];

/**
 * True for an error of this library, optionally of one `code`: an Error of any realm whose
 * `code` is one of this library's (`hasCodeOf` in @concurrency-lab/errors says exactly what is
 * recognised). Not an error posted to another thread: structured clone drops `code`.
 */
export function isLockError(error: unknown, code?: LockErrorCode): error is LockError {
  return hasCodeOf(error, CODES, code);
}
