import type { TransferListItem } from 'node:worker_threads';
import type { TaskRequest, TaskResponse, WorkerSetup } from './task-protocol';

/**
 * The engine under an executor: runs one request on a free worker. The executor never has more
 * requests in flight than `workers`, so an engine needs no queue of its own beyond the moment a
 * replacement worker boots.
 *
 * `run` resolves with the worker's answer (a task's own error is an answer, not a rejection) and
 * rejects only when the worker could not answer: `WorkerCrashedError` (it died; the engine
 * replaces it), `DataCloneError`, `BrokenExecutorError` (the pool is broken, see `onBroken`),
 * or `signal.reason` once the signal aborts (the engine terminates the worker running it and
 * replaces it).
 */
export interface WorkerPool {
  /** Workers alive now (a replacement counts once it is started). */
  readonly workers: number;
  /**
   * Requests `run` holds for a worker that is not up yet (a replacement booting): handed over by
   * the executor, on no worker yet. The executor reports them as queued, not running.
   */
  readonly waiting: number;
  run(request: TaskRequest, options: RunOptions): Promise<TaskResponse>;
  /**
   * Ends every worker now and replaces none: a child gets `signal`, a thread is terminated (it
   * has one way to end). Every task on a worker or waiting for one rejects at once with
   * `WorkersTerminatedError`, whether or not its worker heeds the signal. `destroy()` follows.
   */
  terminate(signal: TerminateSignal): void;
  /**
   * The executor is shutting down: no task comes beyond those it has queued. A worker retired
   * from now on is replaced only when a task needs one, so none is started only to be destroyed.
   */
  drain(): void;
  /** Ends every worker; called once nothing runs. */
  destroy(): Promise<void>;
}

/** How `terminateWorkers()` and `killWorkers()` end a child process. */
export type TerminateSignal = 'SIGTERM' | 'SIGKILL';

export interface RunOptions {
  readonly signal: AbortSignal;
  readonly transferList?: readonly TransferListItem[];
}

export interface WorkerPoolSettings {
  /** Absolute path of the task module. */
  readonly filename: string;
  readonly workers: number;
  /**
   * Called each time a worker that was up (see `onBroken`) died or was terminated and a
   * replacement is started.
   */
  readonly onReplaced: () => void;
  /**
   * Called once when the pool breaks: a worker's initializer failed (`cause` is its error), or a
   * worker died before it was up (`cause` is a `WorkerCrashedError`; on processes, once the pool
   * has started, only several replacements in a row do). The pool then starts no
   * worker, and every request not on a live worker rejects with `BrokenExecutorError`.
   */
  readonly onBroken: (cause: Error) => void;
  /**
   * Called once, when each of the pool's first `workers` workers has come up (said `up`: its
   * initializer, if any, has finished): the pool has started (`Executor.ready()`). Never once
   * the pool broke or is closing; a first worker that died before it was up either broke the
   * pool or (a thread piscina terminated to abort a task) hands its place among the first to
   * its replacement.
   */
  readonly onStarted: () => void;
  /** What each worker runs before its first task, when the executor has an initializer. */
  readonly setup?: WorkerSetup;
  /**
   * Called each time a worker was retired after its last task (its replacement is starting, or
   * starts when a task needs it once the pool drains).
   */
  readonly onRetired: () => void;
}

/** A process pool's settings: children may be retired after a number of tasks. */
export interface ChildProcessPoolSettings extends WorkerPoolSettings {
  /** Tasks a child answers before it is retired and a fresh one forked (Infinity: never). */
  readonly maxTasksPerChild: number;
  /**
   * Node's options for each child (`fork`'s `execArgv`); unset, the parent's `process.execArgv`.
   */
  readonly execArgv?: readonly string[];
}
