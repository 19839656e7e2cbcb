import {
  isClientError,
  ProblemError,
  problemCodeOf,
  type RunOutcome,
  type RunnerStats,
} from '@concurrency-lab/service-kit';
import {
  injectContext,
  recordPoolTask,
  recordUnfinishedPoolTask,
  type TraceCarrier,
} from '@concurrency-lab/telemetry';
import { context, type Context } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';

/*
 * What every pool-backed `WorkRunner` does around a task, whatever runs it: threads
 * (`ThreadPoolRunner`: threads, hybrid) or processes (procpool's `ProcessPoolRunner`). Each
 * runner keeps what its pool does differently (piscina or `ProcessPoolExecutor`, transfer or
 * copy, how a worker's error comes back); the contract's answers and the task's trace are here.
 */

/** What runs a pool's tasks (also the `kind` of `lab_worker_restarts_total`). */
export type PoolWorkerKind = 'thread' | 'process';

/** A pool runner's `stats()`: the kit's, and what its workers went through. */
export interface PoolRunnerStats extends RunnerStats {
  /**
   * Tasks whose worker died under them (→ 500 `ERR_WORKER_CRASHED`; a subset of `failed`). A
   * task whose worker died in its cancel grace was answered as cancelled already: it counts in
   * `cancelled` alone (its worker's death in `replaced`).
   */
  crashed: number;
  /** Workers replaced after dying, or after being stopped to cancel their task. */
  replaced: number;
}

/** How a worker ran a task, measured where it ran. */
export interface PoolTaskRun {
  /** Epoch ms when the worker started the task. */
  readonly startedAt: number;
  readonly workMs: number;
  /** The thread that ran it (`worker_threads.threadId`; 0 = a process's main thread). */
  readonly threadId: number;
  /** The trace id the worker read from the task (proof that the caller's context crossed). */
  readonly traceId?: string | undefined;
  /** The process that ran it, when that is not this one (a process pool's child). */
  readonly pid?: number | undefined;
}

/** A task's wait and run, as `WorkRunner.run` reports them (`Server-Timing`). */
export type PoolTaskTimes = Omit<RunOutcome<unknown>, 'result'>;

/**
 * One task handed to a pool for a request, from its submission to its recorded end. It carries
 * the caller's trace context to the worker and, once the worker reports how the task ran,
 * records the task's spans under the caller's — the pool's workers run no SDK of their own
 * (see `recordPoolTask`) — and its wait and run for the pool metrics, however it ended: the
 * tasks that never came back (cancelled, lost with their worker) waited longest, and a wait
 * histogram without them shows short waits exactly when the queue is long.
 */
export class PoolTask {
  /** Epoch ms when the task was handed to the pool. */
  readonly submittedAt: number;
  readonly #kind: string;
  readonly #parent: Context = context.active();
  readonly #onTaskTiming: ((waitSeconds: number, runSeconds: number) => void) | undefined;
  readonly #onTaskWait: ((waitSeconds: number) => void) | undefined;

  /**
   * Made in the caller's context (the request's span), when the task is submitted.
   * @param kind the task's name on its run span (`pool.run fib`, `pool.run increment`)
   */
  constructor(
    kind: string,
    options: {
      /** When the caller started handing it over (epoch ms). @default now */
      submittedAt?: number;
      /** The pool metrics' hook (see `registerPoolMetrics`): a task's wait and run, seconds. */
      onTaskTiming?: ((waitSeconds: number, runSeconds: number) => void) | undefined;
      /** The wait of a task that never reached a worker (it has no run), seconds. */
      onTaskWait?: ((waitSeconds: number) => void) | undefined;
    } = {},
  ) {
    this.#kind = kind;
    this.submittedAt = options.submittedAt ?? performance.timeOrigin + performance.now();
    this.#onTaskTiming = options.onTaskTiming;
    this.#onTaskWait = options.onTaskWait;
  }

  /** The caller's W3C trace context, for the task's envelope. */
  get trace(): TraceCarrier {
    return injectContext(this.#parent);
  }

  /** The worker ran it to its end: its spans and metrics; its wait and run for the outcome. */
  succeeded(run: PoolTaskRun): PoolTaskTimes {
    this.#record(run);
    const queueMs = this.#timed(run);
    return {
      queueMs,
      workMs: run.workMs,
      threadId: run.threadId,
      ...(run.pid !== undefined ? { pid: run.pid } : {}),
    };
  }

  /**
   * The task threw where it ran (the worker still measured it): its spans, marked failed, and
   * its metrics.
   */
  failed(run: PoolTaskRun, error: { message: string; code?: string | undefined }): void {
    this.#record(run, error);
    this.#timed(run);
  }

  /**
   * The task ended without its worker's report: cancelled by the request's signal, its worker
   * died under it (or was stopped by a close), or it was refused before it reached a worker (the
   * pool closed: dropped from its queue, or submitted after). One span from submission to now:
   * an error for a crash alone; a refused task's span is marked `lab.cancelled` like a
   * cancelled one (the telemetry lib's only outcome for a task that ended without a fault of
   * its worker), the request's own span carrying its 503. Its metrics: when the runner knows
   * the task reached a worker (`reachedWorkerAt`, epoch ms), its wait until then and its run
   * from then to now; otherwise its wait until now and no run (it waited its whole life, or the
   * runner cannot tell: then `onTaskWait`).
   */
  ended(
    outcome: 'cancelled' | 'crashed' | 'refused',
    error?: { message: string; code?: string | undefined },
    reachedWorkerAt?: number,
  ): void {
    const endedAt = performance.timeOrigin + performance.now();
    if (reachedWorkerAt === undefined) {
      this.#onTaskWait?.(Math.max(0, endedAt - this.submittedAt) / 1000);
    } else {
      this.#onTaskTiming?.(
        Math.max(0, reachedWorkerAt - this.submittedAt) / 1000,
        Math.max(0, endedAt - reachedWorkerAt) / 1000,
      );
    }
    recordUnfinishedPoolTask(
      {
        submittedAt: this.submittedAt,
        endedAt,
        kind: this.#kind,
        outcome: outcome === 'crashed' ? 'crashed' : 'cancelled',
        ...(error
          ? { error: { message: error.message, ...(error.code ? { code: error.code } : {}) } }
          : {}),
      },
      this.#parent,
    );
  }

  /** Hands the run's wait and run to the metrics; its wait (ms) for the outcome. */
  #timed(run: PoolTaskRun): number {
    const queueMs = Math.max(0, run.startedAt - this.submittedAt);
    this.#onTaskTiming?.(queueMs / 1000, run.workMs / 1000);
    return queueMs;
  }

  #record(run: PoolTaskRun, error?: { message: string; code?: string | undefined }): void {
    recordPoolTask(
      {
        submittedAt: this.submittedAt,
        startedAt: run.startedAt,
        workMs: run.workMs,
        threadId: run.threadId,
        kind: this.#kind,
        ...(run.traceId ? { threadTraceId: run.traceId } : {}),
        ...(run.pid !== undefined ? { pid: run.pid } : {}),
        ...(error
          ? { error: { message: error.message, ...(error.code ? { code: error.code } : {}) } }
          : {}),
      },
      this.#parent,
    );
  }
}

/** 503 `ERR_OVERLOADED`: the pool's bounded queue is full; the client may retry in a second. */
export function poolQueueFull(worker: PoolWorkerKind, maxQueue: number): ProblemError {
  return new ProblemError(
    'ERR_OVERLOADED',
    `The ${worker} pool's queue is full (${maxQueue} tasks waiting)`,
    { retryAfterSeconds: 1, shedReason: 'pool_queue_full' },
  );
}

/** 503 `ERR_SHUTTING_DOWN`: the pool closed under a running task (its close timeout passed). */
export function poolClosing(worker: PoolWorkerKind): ProblemError {
  return new ProblemError('ERR_SHUTTING_DOWN', `The ${worker} pool closed while this task ran`, {
    retryAfterSeconds: 1,
  });
}

/**
 * 503 `ERR_SHUTTING_DOWN`: the pool refused a task before any worker took it — it was in the
 * pool's queue when close() began, or came after. It never ran; nothing failed under it.
 */
export function poolClosedBeforeRun(worker: PoolWorkerKind): ProblemError {
  return new ProblemError(
    'ERR_SHUTTING_DOWN',
    `The ${worker} pool closed before this task reached a ${worker}: it never ran`,
    { retryAfterSeconds: 1 },
  );
}

/**
 * The contract's answer for a task that failed in the pool (a full queue aside): an error the
 * task raised itself stays itself — a coded client error (a corrupt PNG is a 400 on every
 * model) or the operator's workload throwing (500 `ERR_WORK_FAILED`, as on the event loop) —
 * and anything else (the worker died, ran out of memory, or threw something uncoded) is 500
 * `ERR_WORKER_CRASHED` for this request alone.
 */
export function poolTaskProblem(error: unknown, worker: PoolWorkerKind): Error {
  if (error instanceof ProblemError || isClientError(error) || isWorkFailed(error))
    return error as Error;
  return new ProblemError(
    'ERR_WORKER_CRASHED',
    `The worker ${worker} running this task failed: ${(error as Error).message}`,
    { cause: error },
  );
}

/** The operator's workload threw (`ERR_WORKLOAD_RUN_FAILED`, answered 500 `ERR_WORK_FAILED`). */
function isWorkFailed(error: unknown): boolean {
  return problemCodeOf((error as { code?: unknown } | null)?.code) === 'ERR_WORK_FAILED';
}
