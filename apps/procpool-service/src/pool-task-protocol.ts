import type { CpuTask } from '@concurrency-lab/workloads';

/**
 * What crosses to a pool process and back, for the two tasks of `pool-tasks.ts`. Every byte of
 * it is copied: v8-serialized through the child's IPC pipe (the executors lib's process pool) —
 * a PNG upload and the filtered PNG included; a transfer list would change nothing.
 */

/** The request's W3C trace context (`traceparent`), so the process can echo the trace id. */
export type TaskTraceCarrier = Record<string, string>;

export interface CpuTaskArgument {
  task: CpuTask;
  trace?: TaskTraceCarrier;
}

/** Where a pool process finds the counter's manager (the HTTP process), and its share. */
export interface ShareArgument {
  /** The manager's Unix socket. */
  address: string;
  /** Proves the connection comes from one of our processes (Python's Manager `authkey`). */
  authkey: string;
  times: number;
  safe: boolean;
  trace?: TaskTraceCarrier;
}

/** A task's answer: its value and how it ran, measured in the pool process. */
export interface TaskAnswer<R = unknown> {
  value: R;
  pid: number;
  /** Epoch ms when the process started the task. */
  startedAt: number;
  workMs: number;
  /** The trace id the process read from the argument (proof the context crossed). */
  traceId?: string;
}

/**
 * A task that throws carries the same timings on its error (own primitive properties survive
 * the executor's error serialization), so a failed task still gets its spans and metrics.
 */
export interface TaskTimings {
  pid: number;
  startedAt: number;
  workMs: number;
}
