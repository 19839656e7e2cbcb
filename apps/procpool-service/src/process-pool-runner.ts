import {
  BrokenExecutorError,
  ProcessPoolExecutor,
  QueueFullError,
  WorkerCrashedError,
  type Future,
} from '@concurrency-lab/executors';
import {
  ProblemError,
  RUNNER_CLOSE_TIMEOUT_MS,
  type RunOutcome,
  type WorkRunner,
} from '@concurrency-lab/service-kit';
import {
  CANCEL_GRACE_MS,
  PoolTask,
  poolClosedBeforeRun,
  poolClosing,
  poolQueueFull,
  poolTaskProblem,
  withCancelGrace,
  type CancelGraceOptions,
  type PoolRunnerStats,
  type PoolTaskTimes,
} from '@concurrency-lab/thread-pool';
import type { CpuTask, CpuTaskResult } from '@concurrency-lab/workloads';
import {
  MANAGER_BUSY_CODE,
  MANAGER_UNREACHABLE_CODE,
  type ShareArgument,
  type TaskAnswer,
  type TaskTimings,
} from './pool-task-protocol';

/**
 * Each pool process's V8 old space, in MB: what a pool thread gets (thread-pool's
 * `resourceLimits`), so a task whose JavaScript heap grows without end dies at this size — its
 * request a 500 `ERR_WORKER_CRASHED`, its process replaced — instead of growing until the
 * machine swaps or the OOM killer picks a victim (unbounded, one grew to 2 GB in 1.2 s).
 * Buffers and ArrayBuffers live outside the heap: neither this nor a thread's limit bounds them.
 */
export const POOL_PROCESS_MAX_OLD_SPACE_MB = 256;

export interface ProcessPoolRunnerOptions {
  /** The task module the pool's processes load (built JS exporting `cpu` and `counterShare`). */
  filename: string;
  /** Child processes, all started at once and replaced when one dies. */
  workers: number;
  /**
   * Tasks that may wait for a process; one more is refused with 503 `ERR_OVERLOADED`. Not to the
   * task while a process boots: the executor counts the tasks held for a booting process as
   * running (its room), so up to `workers` more may wait then — 5 against a bound of 3 with both
   * processes just replaced. The service's admission (`MAX_QUEUE` requests in flight) bounds
   * them all the same.
   */
  maxQueue: number;
  /**
   * Called with each task's wait and run time (seconds), for metrics — also a task cancelled or
   * lost with its process; one that never reached a process has a wait and no run.
   */
  onTaskTiming?: (waitSeconds: number, runSeconds?: number) => void;
  /** Called when a process died (crash, or killed to cancel its task) and was replaced. */
  onWorkerReplaced?: () => void;
  /**
   * Called once if the pool breaks: its processes cannot come up (the executor's
   * `BrokenProcessPool`), so it will run no task again. From then on every task is refused
   * with 503 `ERR_SHUTTING_DOWN`: the service is to stop (see main.ts).
   */
  onBroken?: (cause: Error) => void;
  /**
   * At most how long `close()` lets running tasks go on before it kills the processes (their
   * tasks reject with 503 `ERR_SHUTTING_DOWN`).
   * @default RUNNER_CLOSE_TIMEOUT_MS
   */
  closeTimeoutMs?: number;
  /**
   * How long a CPU task already on a process may run on after its request's signal aborted
   * before its process is killed (see `withCancelGrace`): the request is answered at once either
   * way. 0 kills at once. (A counter share is stopped another way: see `counterShare`.)
   * @default CANCEL_GRACE_MS
   */
  cancelGraceMs?: number;
}

/**
 * How long a running counter share asked to stop (`counterShare`'s `stop`) may take to end before
 * its process is killed: it ends within a round trip once its connection is cut, so this only
 * bounds a process that stopped answering.
 */
export const SHARE_STOP_GRACE_MS = 1000;

/**
 * The procpool model's `WorkRunner`: Python's `ProcessPoolExecutor` (`libs/executors`) does the
 * pooling; this class adds what the contract needs on top — the executor's bounded queue as a
 * 503, cancellation by the request's signal (a queued task never runs; a running one's process
 * is killed and replaced, unless the task ends within its grace), a crash confined to its own
 * request, coded client errors kept across the process boundary (the executor rebuilds a task's
 * error with its `code`), and the task's spans under the request's — the answers and spans as
 * every pool runner gives them (`PoolTask`, `poolQueueFull`, `poolTaskProblem` of
 * `@concurrency-lab/thread-pool`, the threads model's pool too). Every task and result is copied
 * through the child's IPC pipe.
 */
export class ProcessPoolRunner implements WorkRunner {
  readonly workers: number;
  readonly #executor: ProcessPoolExecutor;
  readonly #options: ProcessPoolRunnerOptions;
  /**
   * Aborted as close() begins (the runner's one closing flag): tasks in their cancel grace are
   * stopped then, not waited for.
   */
  readonly #closed = new AbortController();
  /** Tasks the executor counts as failed that ended in error once their request gave up on them. */
  #thrownAfterCancel = 0;
  /**
   * Of those, the tasks whose process died in their grace: the executor counts them crashed
   * too, and no request was answered 500 `ERR_WORKER_CRASHED` for them.
   */
  #diedAfterCancel = 0;

  constructor(options: ProcessPoolRunnerOptions) {
    this.#options = options;
    this.workers = options.workers;
    this.#executor = new ProcessPoolExecutor({
      filename: options.filename,
      maxWorkers: options.workers,
      maxQueue: options.maxQueue,
      // Every process loads the task module as it starts, a replacement too, not on its first
      // request (which would pay for the load, and a counter share would start late enough
      // to race nobody): the executor runs the initializer at each worker's start.
      initializer: 'warmUp',
      // The parent's options (what fork would pass), then the heap cap: the last one wins.
      execArgv: [...process.execArgv, `--max-old-space-size=${POOL_PROCESS_MAX_OLD_SPACE_MB}`],
      ...(options.onWorkerReplaced ? { onWorkerReplaced: options.onWorkerReplaced } : {}),
      ...(options.onBroken ? { onBroken: options.onBroken } : {}),
    });
  }

  async run<T extends CpuTask>(
    task: T,
    { signal }: { signal: AbortSignal },
  ): Promise<RunOutcome<CpuTaskResult<T>>> {
    const { answer, times } = await this.#submit<CpuTaskResult<T>>(
      'cpu',
      task.kind,
      { task },
      signal,
      { graceMs: this.#options.cancelGraceMs ?? CANCEL_GRACE_MS },
    );
    return { result: answer.value, ...times };
  }

  /**
   * One share of a counter request, done by a pool process against the manager. Cancelled by
   * `signal`: still queued, it never runs; running, it is asked to `stop` (the manager cuts its
   * connection, so it adds nothing more) and the promise settles once it has really ended — the
   * request's turn must not end while a share can still add — its process kept. Without `stop`,
   * or if the share has not ended `SHARE_STOP_GRACE_MS` later, its process is killed.
   */
  async counterShare(
    share: Omit<ShareArgument, 'trace'>,
    signal?: AbortSignal,
    stop?: () => void,
  ): Promise<number> {
    const { answer } = await this.#submit<number>(
      'counterShare',
      'increment',
      share,
      signal,
      stop ? { graceMs: SHARE_STOP_GRACE_MS, onGrace: stop, answerAtOnce: false } : { graceMs: 0 },
    );
    return answer.value;
  }

  /**
   * Resolves once every pool process is up — forked, and its initializer has loaded the task
   * module (the executor's `ready()`) — so the service listens with no process still booting.
   * Rejects if the pool breaks first (an initializer that fails or kills its process: the
   * executor's `ERR_EXECUTOR_BROKEN`), which fails the start (runtime.ts), or if the runner is
   * closed first. Before, it awaited one answered task per process, but a quick process could
   * take two while a sibling was still starting: the service then listened with that sibling
   * booting, and its first requests waited for it (57 ms once, here). It runs no task, so
   * nothing in `stats()` or `onTaskTiming` counts it.
   */
  warmUp(): Promise<void> {
    return this.#executor.ready();
  }

  stats(): PoolRunnerStats {
    const s = this.#executor.stats;
    return {
      queued: s.queued,
      running: s.running,
      size: s.workers,
      completed: s.completed,
      cancelled: s.cancelled + this.#thrownAfterCancel,
      failed: s.failed - this.#thrownAfterCancel,
      crashed: s.crashed - this.#diedAfterCancel,
      replaced: s.replaced,
    };
  }

  /**
   * Queued tasks are dropped; running ones get at most `closeTimeoutMs` to finish, then the
   * executor kills the processes (`killWorkers`: a child stuck in a task cannot be asked).
   */
  async close(): Promise<void> {
    this.#closed.abort();
    const closed = this.#executor.shutdown({ wait: true, cancelFutures: true });
    const limit = setTimeout(() => {
      // The same promise as `closed`, awaited below.
      this.#executor.killWorkers().catch(() => undefined);
    }, this.#options.closeTimeoutMs ?? RUNNER_CLOSE_TIMEOUT_MS);
    try {
      await closed;
    } finally {
      clearTimeout(limit);
    }
  }

  #submit<R>(
    name: 'cpu' | 'counterShare',
    kind: string,
    argument: object,
    signal: AbortSignal | undefined,
    cancel: Omit<CancelGraceOptions, 'running'>,
  ): Promise<{ answer: TaskAnswer<R>; times: PoolTaskTimes }> {
    const { onTaskTiming } = this.#options;
    const task = new PoolTask(kind, {
      onTaskTiming,
      // A task cancelled or lost before it reached a process waited its whole life: counted too.
      onTaskWait: onTaskTiming && ((waitSeconds) => onTaskTiming(waitSeconds)),
    });
    let future: Future<TaskAnswer<R>> | undefined;
    // Runs to the task's real end (see withCancelGrace): what it records is the process's use.
    const settle = async (poolSignal: AbortSignal | undefined) => {
      let answer: TaskAnswer<R>;
      try {
        future = this.#executor.submit<TaskAnswer<R>>(
          { ...argument, trace: task.trace },
          { name, ...(poolSignal ? { signal: poolSignal } : {}) },
        );
        answer = await future.result();
      } catch (error) {
        throw this.#failure(error, task, future, signal);
      }
      // The task ran on its process's main thread.
      const times = task.succeeded({ ...answer, threadId: 0 });
      return { answer, times };
    };
    if (!signal) return settle(undefined);
    return withCancelGrace(
      signal,
      // On a process once the executor handed it over — also to a replacement still booting,
      // which then gets the grace too: harmless, as no process is killed for it either way.
      { ...cancel, running: () => future?.startedAt !== undefined, cutShort: this.#closed.signal },
      settle,
    );
  }

  /** Records how a task that did not succeed ended, and the error its request gets. */
  #failure(
    error: unknown,
    task: PoolTask,
    future: Future<unknown> | undefined,
    signal: AbortSignal | undefined,
  ): unknown {
    if (signal?.aborted) {
      // A task that threw in its process after its request gave up — a counter share whose
      // connection was cut, or a task whose process died in its grace — is one more cancelled
      // task, not a failed or crashed one, as on threads: its request was answered with the
      // cancel, and each task ends with one outcome. The executor counted it failed (and
      // crashed, for a death): it settled with an error of its own, not the cancel's reason.
      // The death itself is still a restart (`replaced`): a figure of workers, not of tasks.
      if (future !== undefined && error !== signal.reason) {
        this.#thrownAfterCancel++;
        if (error instanceof WorkerCrashedError) this.#diedAfterCancel++;
      }
      // Its wait until a process took it (the future's start), and its run from then.
      task.ended('cancelled', undefined, future?.startedAt);
      return signal.reason;
    }
    // A task that threw in its process carries its timings (see TaskTimings).
    const timings = error as Partial<TaskTimings> & { code?: unknown; message?: string };
    if (timings.startedAt !== undefined) {
      task.failed(
        {
          startedAt: timings.startedAt,
          workMs: timings.workMs ?? 0,
          threadId: 0,
          ...(timings.pid !== undefined ? { pid: timings.pid } : {}),
        },
        {
          message: String(timings.message),
          ...(typeof timings.code === 'string' ? { code: timings.code } : {}),
        },
      );
    }
    if (error instanceof QueueFullError) return poolQueueFull('process', this.#options.maxQueue);
    // No process will come up again: the service stops (onBroken); until then, a 503.
    if (error instanceof BrokenExecutorError) return poolBroken(error);
    // The counter's manager refused the share's connection at one of its bounds.
    if (timings.code === MANAGER_BUSY_CODE) return managerBusy(error);
    // Nothing listens at the manager's address: the service's fault, not the process's crash.
    if (timings.code === MANAGER_UNREACHABLE_CODE) return managerUnreachable(error);
    // Refused before a process took it: still queued when close() began (the shutdown cancels
    // it), or given after (the executor refuses it). Nothing failed under it: no crash.
    if (this.#closed.signal.aborted && future?.startedAt === undefined) {
      task.ended('refused');
      return poolClosedBeforeRun('process');
    }
    // A corrupt PNG stays a 400: the executor rebuilt the task's error with its code.
    const problem = poolTaskProblem(error, 'process');
    if (problem === error) return problem; // the task's own error
    // Its process died under it, or close() killed its process.
    if (timings.startedAt === undefined) task.ended('crashed', problem, future?.startedAt);
    if (this.#closed.signal.aborted) return poolClosing('process');
    return problem;
  }
}

/** 503 `ERR_SHUTTING_DOWN`: the pool is broken, and the service stops to be restarted. */
function poolBroken(error: BrokenExecutorError): ProblemError {
  return new ProblemError(
    'ERR_SHUTTING_DOWN',
    `The process pool is broken (${String((error.cause as Error | undefined)?.message)}): the service is stopping`,
    { retryAfterSeconds: 1, cause: error },
  );
}

/** 503 `ERR_OVERLOADED`: the counter's manager is at a connection bound (see ManagerServer). */
function managerBusy(error: unknown): ProblemError {
  return new ProblemError(
    'ERR_OVERLOADED',
    "The counter's manager refused a pool process's connection: too many connections",
    { retryAfterSeconds: 1, shedReason: 'manager_busy', cause: error },
  );
}

/** 500 `ERR_INTERNAL`: the counter's manager is gone (see `MANAGER_UNREACHABLE_CODE`). */
function managerUnreachable(error: unknown): ProblemError {
  return new ProblemError(
    'ERR_INTERNAL',
    "A pool process found no counter manager listening: the service's fault",
    { cause: error },
  );
}
