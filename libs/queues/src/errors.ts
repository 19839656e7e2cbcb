import { catalog, coded, hasCodeOf } from '@concurrency-lab/errors';

export type { CatalogEntry as ErrorCatalogEntry } from '@concurrency-lab/errors';

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

/** The base of every error of this lib, for `instanceof`; `code` is the stable part. */
export class QueueError extends Error {
  declare readonly code: string;
}

/** `buffer` is full: `tryPut`, a `put` whose timeout passed, a work queue at `maxQueue`. */
export class QueueFullError extends coded('ERR_QUEUE_FULL', 'The queue is full', QueueError) {}

/** Nothing to take: `tryGet`, or a `get` whose timeout passed. */
export class QueueEmptyError extends coded('ERR_QUEUE_EMPTY', 'The queue is empty', QueueError) {}

/** Python 3.13's `ShutDown`: a put after `shutdown()`, or a get once the queue is drained. */
export class QueueShutdownError extends coded(
  'ERR_QUEUE_SHUTDOWN',
  'The queue is shut down',
  QueueError,
) {}

/** Python's `ValueError('task_done() called too many times')`. */
export class TaskDoneOvercalledError extends coded(
  'ERR_QUEUE_TASK_DONE_OVERCALLED',
  'taskDone() was called more times than there were items put',
  QueueError,
) {}

/** A `join` with a timeout that passed (put/get time out as full/empty, like Python). */
export class QueueTimeoutError extends coded(
  'ERR_QUEUE_TIMEOUT',
  'The wait timed out',
  QueueError,
) {}

/** A message longer than the shared ring's `slotBytes`. */
export class MessageTooLargeError extends coded(
  'ERR_QUEUE_MESSAGE_TOO_LARGE',
  'The message does not fit in a slot',
  QueueError,
) {}

/**
 * Node lets the main thread call `Atomics.wait`, but doing so freezes its event loop (timers,
 * sockets, the very callbacks that might unblock it), so the shared ring refuses.
 */
export class MainThreadBlockingError extends coded(
  'ERR_QUEUE_MAIN_THREAD_BLOCKING',
  'A blocking queue method was called on the main thread; use its *Async variant',
  QueueError,
) {}

/** A bad option or argument; the message says what was expected and what was received. */
export class InvalidArgumentError extends coded(
  'ERR_QUEUE_INVALID_ARGUMENT',
  'Invalid argument',
  QueueError,
) {}

/**
 * Never thrown: the first time an observer throws, a process warning (`process.on('warning')`)
 * with this name and code is emitted, the observer's stack as its `detail`. Telemetry must not
 * break the queue.
 */
export class QueueObserverError extends coded(
  'ERR_QUEUE_OBSERVER_FAILED',
  'A queue observer threw; the queue carried on',
  QueueError,
) {}

/** Every class above, in catalog order. */
const CLASSES = [
  QueueFullError,
  QueueEmptyError,
  QueueShutdownError,
  TaskDoneOvercalledError,
  QueueTimeoutError,
  MessageTooLargeError,
  MainThreadBlockingError,
  InvalidArgumentError,
  QueueObserverError,
] as const;

export type QueueErrorCode = (typeof CLASSES)[number]['code'];

/** One class per code, so a test (or a caller) can construct any of them by code. */
export const QUEUE_ERROR_CLASSES = Object.fromEntries(
  CLASSES.map((errorClass) => [errorClass.code, errorClass]),
) as { readonly [C in QueueErrorCode]: Extract<(typeof CLASSES)[number], { code: C }> };

/** Every code this lib throws (or emits as a warning), with its class and meaning. */
export const ERROR_CATALOG = catalog(
  [
    QueueFullError,
    '`tryPut`, a `put` whose timeout passed, or a work queue already holding `maxQueue` jobs.',
  ],
  [QueueEmptyError, 'Nothing to take: `tryGet`, or a `get` whose timeout passed.'],
  [
    QueueShutdownError,
    "A put after `shutdown()`, or a get once the queue is drained (Python 3.13's ShutDown).",
  ],
  [TaskDoneOvercalledError, '`taskDone()` called more times than items were put.'],
  [
    QueueTimeoutError,
    'A `join` or `onSizeBelow` whose timeout passed (put and get time out as full/empty).',
  ],
  [MessageTooLargeError, "A message longer than the shared ring's `slotBytes`."],
  [
    MainThreadBlockingError,
    'A blocking shared-ring method on the main thread, whose event loop must not freeze.',
  ],
  [
    InvalidArgumentError,
    'A bad option or argument; the message says what was expected and what was received.',
  ],
  [
    QueueObserverError,
    'A queue observer threw; emitted once per observer as a process warning, never thrown.',
  ],
);

const CODES: ReadonlySet<string> = new Set(CLASSES.map((errorClass) => errorClass.code));

/**
 * True for an error of this library, optionally of one `code`: an Error of any realm whose
 * `code` is one of this library's (`hasCodeOf` in @concurrency-lab/errors says exactly what is
 * recognised). Not an error posted to another thread: structured clone drops `code`.
 */
export function isQueueError(error: unknown, code?: QueueErrorCode): error is QueueError {
  return hasCodeOf(error, CODES, code);
}
