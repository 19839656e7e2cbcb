/**
 * Every error this lib throws or rejects with, in one registry: a stable `code`, a class `name`
 * and a default message. Callers (and the services' HTTP layer) branch on `code`, never on the
 * message text. One test walks the whole registry.
 *
 * Aborts are the one exception: an operation whose `signal` aborts rejects with
 * `signal.reason`, as `fetch` and the services' `WorkRunner.run` do, so a request deadline
 * stays the deadline's error all the way up.
 */
export const QUEUE_ERRORS = {
  ERR_QUEUE_FULL: {
    name: 'QueueFullError',
    message: 'The queue is full',
  },
  ERR_QUEUE_EMPTY: {
    name: 'QueueEmptyError',
    message: 'The queue is empty',
  },
  ERR_QUEUE_SHUTDOWN: {
    name: 'QueueShutdownError',
    message: 'The queue is shut down',
  },
  ERR_TASK_DONE_OVERCALLED: {
    name: 'TaskDoneOvercalledError',
    message: 'taskDone() was called more times than there were items put',
  },
  ERR_QUEUE_TIMEOUT: {
    name: 'QueueTimeoutError',
    message: 'The wait timed out',
  },
  ERR_MESSAGE_TOO_LARGE: {
    name: 'MessageTooLargeError',
    message: 'The message does not fit in a slot',
  },
  ERR_BLOCKING_ON_MAIN_THREAD: {
    name: 'MainThreadBlockingError',
    message: 'A blocking queue method was called on the main thread; use its *Async variant',
  },
  ERR_INVALID_ARGUMENT: {
    name: 'InvalidArgumentError',
    message: 'Invalid argument',
  },
  ERR_QUEUE_OBSERVER_FAILED: {
    name: 'QueueObserverError',
    message: 'A queue observer threw; the queue carried on',
  },
} as const satisfies Record<string, { name: string; message: string }>;

export type QueueErrorCode = keyof typeof QUEUE_ERRORS;

/** The base of every error in the registry; `code` is the stable part. */
export class QueueError extends Error {
  readonly code: QueueErrorCode;

  constructor(code: QueueErrorCode, message?: string, options?: ErrorOptions) {
    super(message ?? QUEUE_ERRORS[code].message, options);
    this.code = code;
    this.name = QUEUE_ERRORS[code].name;
  }
}

/** `buffer` is full: `tryPut`, a `put` whose timeout passed, a work queue at `maxQueue`. */
export class QueueFullError extends QueueError {
  constructor(message?: string) {
    super('ERR_QUEUE_FULL', message);
  }
}

/** Nothing to take: `tryGet`, or a `get` whose timeout passed. */
export class QueueEmptyError extends QueueError {
  constructor(message?: string) {
    super('ERR_QUEUE_EMPTY', message);
  }
}

/** Python 3.13's `ShutDown`: a put after `shutdown()`, or a get once the queue is drained. */
export class QueueShutdownError extends QueueError {
  constructor(message?: string) {
    super('ERR_QUEUE_SHUTDOWN', message);
  }
}

/** Python's `ValueError('task_done() called too many times')`. */
export class TaskDoneOvercalledError extends QueueError {
  constructor(message?: string) {
    super('ERR_TASK_DONE_OVERCALLED', message);
  }
}

/** A `join` with a timeout that passed (put/get time out as full/empty, like Python). */
export class QueueTimeoutError extends QueueError {
  constructor(message?: string) {
    super('ERR_QUEUE_TIMEOUT', message);
  }
}

/** A message longer than the shared ring's `slotBytes`. */
export class MessageTooLargeError extends QueueError {
  constructor(message?: string) {
    super('ERR_MESSAGE_TOO_LARGE', message);
  }
}

/**
 * Node lets the main thread call `Atomics.wait`, but doing so freezes its event loop (timers,
 * sockets, the very callbacks that might unblock it), so the shared ring refuses.
 */
export class MainThreadBlockingError extends QueueError {
  constructor(message?: string) {
    super('ERR_BLOCKING_ON_MAIN_THREAD', message);
  }
}

/** A bad option or argument; the message says what was expected and what was received. */
export class InvalidArgumentError extends QueueError {
  constructor(message?: string) {
    super('ERR_INVALID_ARGUMENT', message);
  }
}

/**
 * Never thrown: the first time an observer throws, a process warning (`process.on('warning')`)
 * with this name and code is emitted, the observer's stack as its `detail`. Telemetry must not
 * break the queue.
 */
export class QueueObserverError extends QueueError {
  constructor(message?: string, options?: ErrorOptions) {
    super('ERR_QUEUE_OBSERVER_FAILED', message, options);
  }
}

/** One class per code, so a test (or a caller) can construct any of them by code. */
export const QUEUE_ERROR_CLASSES: { [C in QueueErrorCode]: new (message?: string) => QueueError } =
  {
    ERR_QUEUE_FULL: QueueFullError,
    ERR_QUEUE_EMPTY: QueueEmptyError,
    ERR_QUEUE_SHUTDOWN: QueueShutdownError,
    ERR_TASK_DONE_OVERCALLED: TaskDoneOvercalledError,
    ERR_QUEUE_TIMEOUT: QueueTimeoutError,
    ERR_MESSAGE_TOO_LARGE: MessageTooLargeError,
    ERR_BLOCKING_ON_MAIN_THREAD: MainThreadBlockingError,
    ERR_INVALID_ARGUMENT: InvalidArgumentError,
    ERR_QUEUE_OBSERVER_FAILED: QueueObserverError,
  };

/** True for any error of this lib, optionally of one `code`; works across realms (by `code`). */
export function isQueueError(error: unknown, code?: QueueErrorCode): error is QueueError {
  if (typeof error !== 'object' || error === null) return false;
  const found = (error as { code?: unknown }).code;
  if (typeof found !== 'string' || !Object.hasOwn(QUEUE_ERRORS, found)) return false;
  return code === undefined || found === code;
}
