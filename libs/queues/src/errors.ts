/**
 * Every error this lib throws or rejects with, in one registry: a stable `code` (namespaced
 * `ERR_QUEUE_*`, unique across the workspace), a class `name` and a default message. Callers
 * (and the services' HTTP layer) branch on `code`, never on the message text. One test walks
 * the whole registry.
 *
 * Aborts are the one exception: an operation whose `signal` aborts rejects with
 * `signal.reason`, as `fetch` and the services' `WorkRunner.run` do, so a request deadline
 * stays the deadline's error all the way up.
 */

/** Every code below starts with this: it says the error is this library's (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_QUEUE_';

export const QUEUE_ERRORS = {
  ERR_QUEUE_FULL: {
    name: 'QueueFullError',
    message: 'The queue is full',
    meaning:
      '`tryPut`, a `put` whose timeout passed, or a work queue already holding `maxQueue` jobs.',
  },
  ERR_QUEUE_EMPTY: {
    name: 'QueueEmptyError',
    message: 'The queue is empty',
    meaning: 'Nothing to take: `tryGet`, or a `get` whose timeout passed.',
  },
  ERR_QUEUE_SHUTDOWN: {
    name: 'QueueShutdownError',
    message: 'The queue is shut down',
    meaning:
      "A put after `shutdown()`, or a get once the queue is drained (Python 3.13's ShutDown).",
  },
  ERR_QUEUE_TASK_DONE_OVERCALLED: {
    name: 'TaskDoneOvercalledError',
    message: 'taskDone() was called more times than there were items put',
    meaning: '`taskDone()` called more times than items were put.',
  },
  ERR_QUEUE_TIMEOUT: {
    name: 'QueueTimeoutError',
    message: 'The wait timed out',
    meaning: 'A `join` or `onSizeBelow` whose timeout passed (put and get time out as full/empty).',
  },
  ERR_QUEUE_MESSAGE_TOO_LARGE: {
    name: 'MessageTooLargeError',
    message: 'The message does not fit in a slot',
    meaning: "A message longer than the shared ring's `slotBytes`.",
  },
  ERR_QUEUE_MAIN_THREAD_BLOCKING: {
    name: 'MainThreadBlockingError',
    message: 'A blocking queue method was called on the main thread; use its *Async variant',
    meaning: 'A blocking shared-ring method on the main thread, whose event loop must not freeze.',
  },
  ERR_QUEUE_INVALID_ARGUMENT: {
    name: 'InvalidArgumentError',
    message: 'Invalid argument',
    meaning: 'A bad option or argument; the message says what was expected and what was received.',
  },
  ERR_QUEUE_OBSERVER_FAILED: {
    name: 'QueueObserverError',
    message: 'A queue observer threw; the queue carried on',
    meaning:
      'A queue observer threw; emitted once per observer as a process warning, never thrown.',
  },
} as const satisfies Record<string, { name: string; message: string; meaning: string }>;

export type QueueErrorCode = keyof typeof QUEUE_ERRORS;

/** One row of a library's error catalog (the workspace generates docs/errors.md from them). */
export interface ErrorCatalogEntry {
  readonly code: string;
  readonly className: string;
  readonly meaning: string;
}

/** Every code this lib throws (or emits as a warning), with its class and meaning. */
export const ERROR_CATALOG: readonly ErrorCatalogEntry[] = Object.entries(QUEUE_ERRORS).map(
  ([code, { name, meaning }]) => Object.freeze({ code, className: name, meaning }),
);

/** The base of every error in the registry; `code` is the stable part. */
export class QueueError extends Error {
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message?: string, options?: ErrorOptions) {
    super(message ?? QUEUE_ERRORS[code].message, options);
    this.code = code;
    this.name = QUEUE_ERRORS[code].name;
  }
}

/** The base an error class gets from {@link registered}: a QueueError of one code. */
export interface RegisteredErrorClass<C extends QueueErrorCode> {
  readonly code: C;
  new (message?: string, options?: ErrorOptions): QueueError & { readonly code: C };
}

/** The class of one registry code: `new QueueFullError()` is a QueueError with its code. */
function registered<C extends QueueErrorCode>(code: C): RegisteredErrorClass<C> {
  return class extends QueueError {
    static readonly code: C = code;
    declare readonly code: C;

    constructor(message?: string, options?: ErrorOptions) {
      super(code, message, options);
    }
  };
}

/** `buffer` is full: `tryPut`, a `put` whose timeout passed, a work queue at `maxQueue`. */
export class QueueFullError extends registered('ERR_QUEUE_FULL') {}

/** Nothing to take: `tryGet`, or a `get` whose timeout passed. */
export class QueueEmptyError extends registered('ERR_QUEUE_EMPTY') {}

/** Python 3.13's `ShutDown`: a put after `shutdown()`, or a get once the queue is drained. */
export class QueueShutdownError extends registered('ERR_QUEUE_SHUTDOWN') {}

/** Python's `ValueError('task_done() called too many times')`. */
export class TaskDoneOvercalledError extends registered('ERR_QUEUE_TASK_DONE_OVERCALLED') {}

/** A `join` with a timeout that passed (put/get time out as full/empty, like Python). */
export class QueueTimeoutError extends registered('ERR_QUEUE_TIMEOUT') {}

/** A message longer than the shared ring's `slotBytes`. */
export class MessageTooLargeError extends registered('ERR_QUEUE_MESSAGE_TOO_LARGE') {}

/**
 * Node lets the main thread call `Atomics.wait`, but doing so freezes its event loop (timers,
 * sockets, the very callbacks that might unblock it), so the shared ring refuses.
 */
export class MainThreadBlockingError extends registered('ERR_QUEUE_MAIN_THREAD_BLOCKING') {}

/** A bad option or argument; the message says what was expected and what was received. */
export class InvalidArgumentError extends registered('ERR_QUEUE_INVALID_ARGUMENT') {}

/**
 * Never thrown: the first time an observer throws, a process warning (`process.on('warning')`)
 * with this name and code is emitted, the observer's stack as its `detail`. Telemetry must not
 * break the queue.
 */
export class QueueObserverError extends registered('ERR_QUEUE_OBSERVER_FAILED') {}

/** One class per code, so a test (or a caller) can construct any of them by code. */
export const QUEUE_ERROR_CLASSES: { [C in QueueErrorCode]: new (message?: string) => QueueError } =
  {
    ERR_QUEUE_FULL: QueueFullError,
    ERR_QUEUE_EMPTY: QueueEmptyError,
    ERR_QUEUE_SHUTDOWN: QueueShutdownError,
    ERR_QUEUE_TASK_DONE_OVERCALLED: TaskDoneOvercalledError,
    ERR_QUEUE_TIMEOUT: QueueTimeoutError,
    ERR_QUEUE_MESSAGE_TOO_LARGE: MessageTooLargeError,
    ERR_QUEUE_MAIN_THREAD_BLOCKING: MainThreadBlockingError,
    ERR_QUEUE_INVALID_ARGUMENT: InvalidArgumentError,
    ERR_QUEUE_OBSERVER_FAILED: QueueObserverError,
  };

/** True for any error of this lib, optionally of one `code`; works across realms (by `code`). */
export function isQueueError(error: unknown, code?: QueueErrorCode): error is QueueError {
  if (typeof error !== 'object' || error === null) return false;
  const found = (error as { code?: unknown }).code;
  if (typeof found !== 'string' || !Object.hasOwn(QUEUE_ERRORS, found)) return false;
  return code === undefined || found === code;
}
