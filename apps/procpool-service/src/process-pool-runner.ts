import {
  ProcessPoolExecutor,
  QueueFullError,
  WorkerCrashedError,
} from '@concurrency-lab/executors';
import {
  isClientError,
  ProblemError,
  type RunOutcome,
  type RunnerStats,
  type WorkRunner,
} from '@concurrency-lab/service-kit';
import { injectContext, recordPoolTask } from '@concurrency-lab/telemetry';
import type { CpuTask, CpuTaskResult } from '@concurrency-lab/workloads';
import { context } from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';
import type { ShareArgument, TaskAnswer, TaskTimings } from './pool-task-protocol';

export interface ProcessPoolRunnerOptions {
  /** The task module the pool's processes load (built JS exporting `cpu` and `counterShare`). */
  filename: string;
  /** Child processes, all started at once and replaced when one dies. */
  workers: number;
  /** Tasks that may wait for a process; one more is refused with 503 `ERR_OVERLOADED`. */
  maxQueue: number;
  /** Called with each finished task's wait and run time (seconds), for metrics. */
  onTaskTiming?(waitSeconds: number, runSeconds: number): void;
  /** Called when a process died (crash, or killed to cancel its task) and was replaced. */
  onWorkerReplaced?(): void;
}

export interface ProcessPoolStats extends RunnerStats {
  /** Tasks whose process died under them (→ 500 `ERR_WORKER_CRASHED`). */
  crashed: number;
  /** Processes replaced after dying or being killed. */
  replaced: number;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * The procpool model's `WorkRunner`: Python's `ProcessPoolExecutor` (`libs/executors`) does the
 * pooling; this class adds what the contract needs on top — the executor's bounded queue as a
 * 503, cancellation by the request's signal (a queued task never runs; a running one's process
 * is killed and replaced), a crash confined to its own request, coded client errors kept across
 * the process boundary (the executor rebuilds a task's error with its `code`), and the task's
 * spans under the request's. Every task and result is copied through the child's IPC pipe.
 */
export class ProcessPoolRunner implements WorkRunner {
  readonly workers: number;
  readonly #executor: ProcessPoolExecutor;
  readonly #options: ProcessPoolRunnerOptions;

  constructor(options: ProcessPoolRunnerOptions) {
    this.#options = options;
    this.workers = options.workers;
    this.#executor = new ProcessPoolExecutor({
      filename: options.filename,
      maxWorkers: options.workers,
      maxQueue: options.maxQueue,
      ...(options.onWorkerReplaced ? { onWorkerReplaced: options.onWorkerReplaced } : {}),
    });
  }

  async run<T extends CpuTask>(
    task: T,
    { signal }: { signal: AbortSignal },
  ): Promise<RunOutcome<CpuTaskResult<T>>> {
    const { answer, submittedAt } = await this.#submit<CpuTaskResult<T>>(
      'cpu',
      task.kind,
      { task },
      signal,
    );
    return {
      result: answer.value,
      queueMs: Math.max(0, answer.startedAt - submittedAt),
      workMs: answer.workMs,
      // The task ran on its process's main thread.
      threadId: 0,
    };
  }

  /** One share of a counter request, done by a pool process against the manager. */
  async counterShare(share: Omit<ShareArgument, 'trace'>, signal?: AbortSignal): Promise<number> {
    const { answer } = await this.#submit<number>('counterShare', 'increment', share, signal);
    return answer.value;
  }

  /**
   * Has every process load the task module now rather than on its first request, which would
   * then pay for it (and a counter share would start late enough to race nobody). One task per
   * process: all are idle, so each takes one. Resolves with their pids.
   */
  async warmUp(): Promise<number[]> {
    return Promise.all(
      Array.from({ length: this.workers }, () =>
        this.#executor.submit<number>(undefined, { name: 'warmUp' }).result(),
      ),
    );
  }

  stats(): ProcessPoolStats {
    const s = this.#executor.stats;
    return {
      queued: s.queued,
      running: s.running,
      size: s.workers,
      completed: s.completed,
      cancelled: s.cancelled,
      failed: s.failed,
      crashed: s.crashed,
      replaced: s.replaced,
    };
  }

  /** Queued tasks are dropped; the processes exit once nothing runs. */
  close(): Promise<void> {
    return this.#executor.shutdown({ wait: true, cancelFutures: true });
  }

  async #submit<R>(
    name: 'cpu' | 'counterShare',
    kind: string,
    argument: object,
    signal: AbortSignal | undefined,
  ): Promise<{ answer: TaskAnswer<R>; submittedAt: number }> {
    const submittedAt = now();
    // The caller's context rides in the argument; the spans are recorded here from the
    // process's timings (the pool's processes run no SDK: see recordPoolTask).
    const parent = context.active();
    let answer: TaskAnswer<R>;
    try {
      const future = this.#executor.submit<TaskAnswer<R>>(
        { ...argument, trace: injectContext(parent) },
        { name, ...(signal ? { signal } : {}) },
      );
      answer = await future.result();
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      const timings = error as Partial<TaskTimings> & { code?: unknown; message?: string };
      if (timings.startedAt !== undefined) {
        recordPoolTask(
          {
            submittedAt,
            startedAt: timings.startedAt,
            workMs: timings.workMs ?? 0,
            threadId: 0,
            kind,
            error: {
              message: String(timings.message),
              ...(typeof timings.code === 'string' ? { code: timings.code } : {}),
            },
          },
          parent,
        );
      }
      throw this.#problem(error);
    }
    recordPoolTask(
      {
        submittedAt,
        startedAt: answer.startedAt,
        workMs: answer.workMs,
        threadId: 0,
        kind,
        ...(answer.traceId ? { threadTraceId: answer.traceId } : {}),
      },
      parent,
    );
    this.#options.onTaskTiming?.(
      Math.max(0, answer.startedAt - submittedAt) / 1000,
      answer.workMs / 1000,
    );
    return { answer, submittedAt };
  }

  /** The contract's answer for a failed task. */
  #problem(error: unknown): Error {
    if (error instanceof QueueFullError) {
      return new ProblemError(
        'ERR_OVERLOADED',
        `The process pool's queue is full (${this.#options.maxQueue} tasks waiting)`,
        { retryAfterSeconds: 1, shedReason: 'pool_queue_full' },
      );
    }
    // A corrupt PNG stays a 400: the executor rebuilt the task's error with its code.
    if (error instanceof ProblemError || isClientError(error)) return error as Error;
    const how = error instanceof WorkerCrashedError ? 'died' : 'failed';
    return new ProblemError(
      'ERR_WORKER_CRASHED',
      `The worker process running this task ${how}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}
