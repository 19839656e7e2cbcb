import type { TransferListItem } from 'node:worker_threads';

export interface ExecutorOptions {
  /**
   * The module whose exported functions are the tasks: an absolute path or a `file:` URL of
   * JavaScript (it is loaded in another thread or process, so no closures: see the README).
   * @example require.resolve('./tasks.js')
   */
  filename: string | URL;
  /**
   * Workers in the pool, all started at once; one that dies after it was up is replaced.
   * @default os.availableParallelism()
   */
  maxWorkers?: number;
  /**
   * Tasks that may wait for a worker; `submit` past it throws `ERR_EXECUTOR_QUEUE_FULL`
   * (`submitWhenReady` waits instead, in a line bounded by the same number, at least one long:
   * at 0 it may still wait).
   * @default 1024
   */
  maxQueue?: number;
  /** The exported function a task calls when `submit` names none. @default 'default' */
  name?: string;
  /**
   * Called each time a worker that was up and died, or was terminated (to interrupt its task),
   * has been replaced — what `stats.replaced` counts, as an event, for metrics. Never for a
   * worker that died starting (see `initializer`): that breaks the executor, nothing replaces
   * it. A hook that throws is reported as a process warning (`ERR_EXECUTOR_CALLBACK_FAILED`),
   * never into the pool.
   */
  onWorkerReplaced?: () => void;
  /**
   * An exported function of the task module that each worker calls once, with `initargs`, as it
   * starts and before its first task (Python's `initializer`): to open a connection, warm a
   * cache. A worker is up once it has finished. If it throws or rejects, or its worker dies
   * before it is up (`process.exit` in it; on processes, once every first child could have come
   * up, it takes `BOOT_DEATHS_TO_BREAK` replacements in a row dying before they are up — each
   * of the others is forked again after a pause — and also `EARLY_DEATHS_TO_BREAK` children in
   * a row dying on their own, idle, within `EARLY_DEATH_WINDOW_MS` of coming up: a timer it
   * left; never a SIGKILL), the executor is broken
   * (`ERR_EXECUTOR_BROKEN`; `cause` is the error, or a `WorkerCrashedError` with the exit code):
   * every task not on a live worker, the queued ones and every later `submit` fail, no worker is
   * started again, and the workers end once the tasks running elsewhere have (`shutdown()`
   * resolves; `onBroken` is called).
   */
  initializer?: string;
  /**
   * The initializer's one argument (copied to each worker; a thread shares a SharedArrayBuffer).
   */
  initargs?: unknown;
  /**
   * Called once, with the cause, when the executor breaks (see `initializer`): what a service
   * needs to stop looking healthy — it will run no task again. A hook that throws is reported
   * as a process warning (`ERR_EXECUTOR_CALLBACK_FAILED`).
   */
  onBroken?: (cause: Error) => void;
}

export interface ProcessPoolExecutorOptions extends ExecutorOptions {
  /**
   * Tasks a child process answers before it exits and a fresh one takes its place (Python
   * 3.11's `max_tasks_per_child`): bounds what leaky task code can accumulate.
   * @default unlimited
   */
  maxTasksPerChild?: number;
  /**
   * Node's command-line options for each child process (`child_process.fork`'s `execArgv`), in
   * place of the parent's: `['--max-old-space-size=256']` caps a child's JavaScript heap, so a
   * task whose heap grows without end dies (a crash: its future fails with
   * `ERR_EXECUTOR_WORKER_CRASHED`, the child is replaced) instead of growing the machine's
   * memory away. A thread's equivalent is piscina's `resourceLimits`. Neither bounds Buffers and
   * ArrayBuffers, which live outside the heap.
   * @default process.execArgv
   */
  execArgv?: readonly string[];
}

export interface SubmitOptions {
  /** The exported function to call. @default the executor's `name` */
  name?: string;
  /**
   * Buffers to move to the worker instead of copying (they become unusable here). Threads only:
   * a process pool copies every byte anyway, accepts the list and leaves the buffers attached.
   */
  transferList?: readonly TransferListItem[];
  /**
   * Aborting cancels the future with `signal.reason`: a pending task never runs, a running one
   * is interrupted (its worker terminated and replaced).
   */
  signal?: AbortSignal;
}

export interface ShutdownOptions {
  /** Resolve only once every submitted task is done and the workers are gone. @default true */
  wait?: boolean;
  /** Cancel the tasks still waiting for a worker (running ones finish). @default false */
  cancelFutures?: boolean;
}

/** A snapshot, undici style: read by metrics and tests, never a handle on internals. */
export interface ExecutorStats {
  /** Workers alive. */
  workers: number;
  /** Workers with no task. */
  idle: number;
  /** Tasks on a worker. */
  running: number;
  /**
   * Tasks waiting for a worker: in the executor's queue, or, on a process pool, handed to the
   * pool and held there while the child that will take them boots (a replacement). A thread
   * pool counts a task piscina holds for a booting thread as running.
   */
  queued: number;
  /** Tasks that returned a value. */
  completed: number;
  /** Tasks that ended with an error (their own, a crash, or a clone failure). */
  failed: number;
  cancelled: number;
  /** Tasks whose worker died under them (a subset of `failed`). */
  crashed: number;
  /**
   * Workers started to replace one that was up and died or was terminated (to interrupt its
   * task). A worker that died starting is not counted: it breaks the executor.
   */
  replaced: number;
  /** Children retired after `maxTasksPerChild` tasks (and replaced); 0 on threads. */
  retired: number;
}
