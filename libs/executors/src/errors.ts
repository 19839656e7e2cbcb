import { coded, registry, type ErrorClassOf } from '@concurrency-lab/errors';

/**
 * Every error this library throws on purpose, in one registry. Callers branch on `code`, which is
 * part of the contract; messages are for humans and may change at any time.
 *
 * Two failures are not ours and keep their own identity:
 * - a task's own error re-throws from `Future#result()` rebuilt from the worker (its `name`,
 *   `message`, `code` and the worker's `stack`), see `task-protocol.ts`;
 * - a future cancelled through the `signal` given to `submit` rejects with `signal.reason`, like
 *   every other signal-aware API in this repository, so the aborter's own error survives.
 */

/** Every code below starts with this: it says the error is this library's (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_EXECUTOR_';

/** Base class, so callers can tell "the executor refused or failed" from a task's own error. */
export class ExecutorError extends Error {}

/**
 * A wait (`result`, `exception`, `asCompleted`, `map`) gave up after its `timeout`; the work goes
 * on.
 */
export class TimeoutError extends coded(
  'ERR_EXECUTOR_TIMEOUT',
  'a wait on the executor timed out',
  ExecutorError,
) {
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, options?: ErrorOptions) {
    super(`${what} did not finish within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/**
 * The future was cancelled (`cancel()`, `shutdown({ cancelFutures: true })`, an early-closed
 * `map`).
 */
export class CancelledError extends coded(
  'ERR_EXECUTOR_CANCELLED',
  'the future was cancelled',
  ExecutorError,
) {}

/**
 * `submit` after `shutdown()`, or a `submitWhenReady` still waiting when the executor shut down.
 */
export class ShutdownError extends coded(
  'ERR_EXECUTOR_SHUTDOWN',
  'the executor is shut down: no new tasks',
  ExecutorError,
) {}

/** The bounded queue behind `submit` is full (or so is the line of `submitWhenReady` callers). */
export class QueueFullError extends coded(
  'ERR_EXECUTOR_QUEUE_FULL',
  "the executor's queue is full",
  ExecutorError,
) {
  readonly maxQueue: number;

  constructor(maxQueue: number, options?: ErrorOptions) {
    super(`the executor's queue is full (${maxQueue} tasks waiting)`, options);
    this.maxQueue = maxQueue;
  }
}

/**
 * The thread or process running the task died under it; the pool replaced it. Also the `cause`
 * of a `BrokenExecutorError` when a worker died starting, before any task (in its initializer):
 * that one is not replaced.
 */
export class WorkerCrashedError extends coded(
  'ERR_EXECUTOR_WORKER_CRASHED',
  'the worker running this task died',
  ExecutorError,
) {
  /** The worker's exit code, when it exited (`process.exit(n)` in the task). */
  readonly exitCode: number | undefined;
  /** The signal that killed a child process, e.g. `SIGSEGV`. */
  readonly signal: string | undefined;

  constructor(
    detail: {
      exitCode?: number | null;
      signal?: string | null;
      kind: string;
      /** It died starting (in its initializer, or from what that left running), before any task. */
      starting?: boolean;
    },
    options?: ErrorOptions,
  ) {
    const how =
      detail.signal != null
        ? `was killed by ${detail.signal}`
        : detail.exitCode != null
          ? `exited with code ${detail.exitCode}`
          : 'failed';
    super(
      detail.starting === true
        ? `the worker ${detail.kind} ${how} before it ran any task`
        : `the worker ${detail.kind} running this task ${how}`,
      options,
    );
    this.exitCode = detail.exitCode ?? undefined;
    this.signal = detail.signal ?? undefined;
  }
}

/**
 * `terminateWorkers()` or `killWorkers()` ended the worker running this task (Python's
 * `BrokenProcessPool` after `terminate_workers()`): the task may have done part of its work.
 */
export class WorkersTerminatedError extends coded(
  'ERR_EXECUTOR_TERMINATED',
  'the executor ended its workers while this task ran',
  ExecutorError,
) {}

/**
 * A worker could not come up (Python's `BrokenThreadPool` / `BrokenProcessPool`): its
 * initializer threw or rejected — `cause` is that error, rebuilt — or the worker died before it
 * was up, in its initializer — `cause` is a `WorkerCrashedError` with the exit code. The
 * executor takes no more tasks.
 */
export class BrokenExecutorError extends coded(
  'ERR_EXECUTOR_BROKEN',
  'a worker failed to start: the executor is not usable any more',
  ExecutorError,
) {}

/** The argument or the result cannot be copied to or from the worker (a function, a socket...). */
export class DataCloneError extends coded(
  'ERR_EXECUTOR_DATA_CLONE',
  'the value cannot be copied to or from the worker',
  ExecutorError,
) {}

/** The task module has no exported function of the requested name (raised in the worker). */
export class TaskNotFoundError extends coded(
  'ERR_EXECUTOR_TASK_NOT_FOUND',
  'the task module has no such function',
  ExecutorError,
) {}

/** `setResult`/`setException` on a future that is already done (Python's InvalidStateError). */
export class InvalidStateError extends coded(
  'ERR_EXECUTOR_INVALID_STATE',
  'the future is already done',
  ExecutorError,
) {}

/**
 * A done-callback threw. It is reported as a process warning (Python logs it) and the other
 * callbacks still run: one bad callback must not break the future for everyone else.
 */
export class CallbackError extends coded(
  'ERR_EXECUTOR_CALLBACK_FAILED',
  'a done-callback threw',
  ExecutorError,
) {}

/** An option or argument of the wrong type or range; the message says what was expected. */
export class InvalidArgumentError extends coded(
  'ERR_EXECUTOR_INVALID_ARGUMENT',
  'invalid argument',
  ExecutorError,
) {}

/**
 * What a registry entry looks like: an error class of this library carrying its code statically.
 */
export type ExecutorErrorClass = ErrorClassOf<ExecutorError>;

/** Each class with what it means: the class list and the catalog below are read from here. */
const REGISTRY = registry<ExecutorErrorClass>(
  [
    TimeoutError,
    'A wait on a future, asCompleted or map passed its timeout; the task is not cancelled.',
  ],
  [CancelledError, 'The future was cancelled before it ran (or interrupted when asked).'],
  [ShutdownError, 'A task was submitted after shutdown().'],
  [QueueFullError, "The executor's bounded queue is full; use submitWhenReady to wait for room."],
  [
    WorkerCrashedError,
    'The thread or process running the task died; it was replaced (a worker that dies before it is up breaks the executor instead).',
  ],
  [
    BrokenExecutorError,
    "A worker's initializer threw, or a worker died before it was up: every pending task and every later submit fail.",
  ],
  [
    WorkersTerminatedError,
    'terminateWorkers() or killWorkers() ended the worker running the task; none is replaced.',
  ],
  [DataCloneError, 'The task argument or result cannot be copied to or from a worker.'],
  [TaskNotFoundError, 'The task module exports no function of the requested name.'],
  [InvalidStateError, 'A result or exception was set on a future that is already done.'],
  [
    CallbackError,
    'A done-callback threw; reported as a process warning, other callbacks still run.',
  ],
  [InvalidArgumentError, 'An option or argument has the wrong type or range.'],
);

/** Every error class above. */
export const EXECUTOR_ERRORS = REGISTRY.classes;

/** The registry the workspace reads to check codes are unique and to write `docs/errors.md`. */
export const ERROR_CATALOG = REGISTRY.catalog;
