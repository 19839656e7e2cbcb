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
export abstract class ExecutorError extends Error {
  /** Stable machine-readable identifier, also available on the class itself. */
  abstract readonly code: string;
}

/** A wait (`result`, `exception`, `asCompleted`, `map`) gave up after its `timeout`; the work goes on. */
export class TimeoutError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_TIMEOUT';
  override readonly name = 'TimeoutError';
  readonly code = TimeoutError.code;
  readonly timeoutMs: number;

  constructor(what: string, timeoutMs: number, options?: ErrorOptions) {
    super(`${what} did not finish within ${timeoutMs} ms`, options);
    this.timeoutMs = timeoutMs;
  }
}

/** The future was cancelled (`cancel()`, `shutdown({ cancelFutures: true })`, an early-closed `map`). */
export class CancelledError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_CANCELLED';
  override readonly name = 'CancelledError';
  readonly code = CancelledError.code;

  constructor(message = 'the future was cancelled', options?: ErrorOptions) {
    super(message, options);
  }
}

/** `submit` after `shutdown()`, or a `submitWhenReady` still waiting when the executor shut down. */
export class ShutdownError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_SHUTDOWN';
  override readonly name = 'ShutdownError';
  readonly code = ShutdownError.code;

  constructor(message = 'the executor is shut down: no new tasks', options?: ErrorOptions) {
    super(message, options);
  }
}

/** The bounded queue behind `submit` is full (or so is the line of `submitWhenReady` callers). */
export class QueueFullError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_QUEUE_FULL';
  override readonly name = 'QueueFullError';
  readonly code = QueueFullError.code;
  readonly maxQueue: number;

  constructor(maxQueue: number, options?: ErrorOptions) {
    super(`the executor's queue is full (${maxQueue} tasks waiting)`, options);
    this.maxQueue = maxQueue;
  }
}

/** The thread or process running the task died under it; the pool replaced it. */
export class WorkerCrashedError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_WORKER_CRASHED';
  override readonly name = 'WorkerCrashedError';
  readonly code = WorkerCrashedError.code;
  /** The worker's exit code, when it exited (`process.exit(n)` in the task). */
  readonly exitCode: number | undefined;
  /** The signal that killed a child process, e.g. `SIGSEGV`. */
  readonly signal: string | undefined;

  constructor(
    detail: { exitCode?: number | null; signal?: string | null; kind: string },
    options?: ErrorOptions,
  ) {
    const how =
      detail.signal != null
        ? `was killed by ${detail.signal}`
        : detail.exitCode != null
          ? `exited with code ${detail.exitCode}`
          : 'failed';
    super(`the worker ${detail.kind} running this task ${how}`, options);
    this.exitCode = detail.exitCode ?? undefined;
    this.signal = detail.signal ?? undefined;
  }
}

/** The argument or the result cannot be copied to or from the worker (a function, a socket...). */
export class DataCloneError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_DATA_CLONE';
  override readonly name = 'DataCloneError';
  readonly code = DataCloneError.code;
}

/** The task module has no exported function of the requested name (raised in the worker). */
export class TaskNotFoundError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_TASK_NOT_FOUND';
  override readonly name = 'TaskNotFoundError';
  readonly code = TaskNotFoundError.code;
}

/** `setResult`/`setException` on a future that is already done (Python's InvalidStateError). */
export class InvalidStateError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_INVALID_STATE';
  override readonly name = 'InvalidStateError';
  readonly code = InvalidStateError.code;
}

/**
 * A done-callback threw. It is reported as a process warning (Python logs it) and the other
 * callbacks still run: one bad callback must not break the future for everyone else.
 */
export class CallbackError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_CALLBACK_FAILED';
  override readonly name = 'CallbackError';
  readonly code = CallbackError.code;
}

/** An option or argument of the wrong type or range; the message says what was expected. */
export class InvalidArgumentError extends ExecutorError {
  static readonly code = 'ERR_EXECUTOR_INVALID_ARGUMENT';
  override readonly name = 'InvalidArgumentError';
  readonly code = InvalidArgumentError.code;
}

/** What a registry entry looks like: a constructible error class carrying its code statically. */
export interface ExecutorErrorClass {
  readonly code: string;
  readonly name: string;
  readonly prototype: ExecutorError;
}

/** Every error class above. */
export const EXECUTOR_ERRORS: readonly ExecutorErrorClass[] = [
  TimeoutError,
  CancelledError,
  ShutdownError,
  QueueFullError,
  WorkerCrashedError,
  DataCloneError,
  TaskNotFoundError,
  InvalidStateError,
  CallbackError,
  InvalidArgumentError,
];

/** The registry the workspace reads to check codes are unique and to write `docs/errors.md`. */
export const ERROR_CATALOG: readonly { code: string; className: string; meaning: string }[] = [
  {
    code: TimeoutError.code,
    className: 'TimeoutError',
    meaning:
      'A wait on a future, asCompleted or map passed its timeout; the task is not cancelled.',
  },
  {
    code: CancelledError.code,
    className: 'CancelledError',
    meaning: 'The future was cancelled before it ran (or interrupted when asked).',
  },
  {
    code: ShutdownError.code,
    className: 'ShutdownError',
    meaning: 'A task was submitted after shutdown().',
  },
  {
    code: QueueFullError.code,
    className: 'QueueFullError',
    meaning: "The executor's bounded queue is full; use submitWhenReady to wait for room.",
  },
  {
    code: WorkerCrashedError.code,
    className: 'WorkerCrashedError',
    meaning: 'The thread or process running the task died; it was replaced.',
  },
  {
    code: DataCloneError.code,
    className: 'DataCloneError',
    meaning: 'The task argument or result cannot be copied to or from a worker.',
  },
  {
    code: TaskNotFoundError.code,
    className: 'TaskNotFoundError',
    meaning: 'The task module exports no function of the requested name.',
  },
  {
    code: InvalidStateError.code,
    className: 'InvalidStateError',
    meaning: 'A result or exception was set on a future that is already done.',
  },
  {
    code: CallbackError.code,
    className: 'CallbackError',
    meaning: 'A done-callback threw; reported as a process warning, other callbacks still run.',
  },
  {
    code: InvalidArgumentError.code,
    className: 'InvalidArgumentError',
    meaning: 'An option or argument has the wrong type or range.',
  },
];
