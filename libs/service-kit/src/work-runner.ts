import type { CpuTask, CpuTaskResult } from '@concurrency-lab/workloads';

/** What a run took, split the way the `Server-Timing` header reports it. */
export interface RunOutcome<R> {
  result: R;
  /** Time waiting for a worker (pool queue, or the event loop's turn). */
  queueMs: number;
  /** Time running. */
  workMs: number;
  /** The thread that ran it (`worker_threads.threadId`; 0 = main thread). */
  threadId: number;
  /** The process that ran it, when not this one (a process pool's child). */
  pid?: number;
}

export interface RunnerStats {
  /** Tasks waiting for a worker. */
  queued: number;
  /** Tasks running now. */
  running: number;
  /** Threads (or 1 for the event loop itself). */
  size: number;
  completed: number;
  cancelled: number;
  failed: number;
}

/** How a request hands its work to a runner. */
export interface RunOptions {
  /** Aborts when the request dies (its deadline, its client gone): the work is cancelled. */
  signal: AbortSignal;
  /**
   * The `performance.now()` instant of the request's deadline (`RequestDeadline.at`). A runner
   * that cannot be interrupted once it starts (inline) refuses to start work past it: the
   * deadline clock's timer, which aborts `signal`, cannot fire between tasks run back to back.
   */
  deadlineAt?: number;
}

/**
 * At most how long a runner's `close()` lets work still running go on before it stops it (a
 * thread pool terminates its threads, a process pool kills its processes). The service closes
 * its runner after its drain, so no request waits for that work any more: what is left is a
 * counter share nobody awaits (well under a second) or a task that will never end. The cluster
 * primary counts it in a worker's exit.
 */
export const RUNNER_CLOSE_TIMEOUT_MS = 1000;

/**
 * Where CPU work runs: the one seam between the shared HTTP layer and a concurrency model.
 * `run` must reject with the signal's reason when the signal aborts before the result is in
 * (the request's deadline or a client that left) and should stop the work if it can.
 */
export interface WorkRunner {
  /** Threads or processes that run work (shown by `/info`). */
  readonly workers: number;
  run<T extends CpuTask>(task: T, options: RunOptions): Promise<RunOutcome<CpuTaskResult<T>>>;
  stats(): RunnerStats;
  /**
   * Work already admitted that will run on the caller's own event loop before anything newly
   * admitted could (ms, estimated) — inline runners only. Event-loop admission counts it as
   * delay to come: a burst read in one turn of the loop is otherwise admitted whole.
   */
  pendingLoopWorkMs?(): number;
  /**
   * Takes no more work; resolves once its workers are gone. Running work is given at most
   * RUNNER_CLOSE_TIMEOUT_MS, then stopped (threads terminated, processes killed).
   */
  close(): Promise<void>;
}
