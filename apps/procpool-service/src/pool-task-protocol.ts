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
  /**
   * Names the share to the manager (in its hello), so that cancelling its request can stop it
   * there (`ManagerServer#cut`) instead of killing its process.
   */
  token?: string;
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

/**
 * The manager's one line to a connection it will not serve because a bound is reached (too many
 * connections authenticated, or this one waited for its hello while newer ones came): sent
 * before it hangs up, so a share tells a refusal from a crash.
 */
export const MANAGER_BUSY = { kind: 'busy' } as const;

/**
 * The manager's word that a share may start: its hello was accepted and every share of its
 * request is connected (`ManagerServer#hold`). A share sends nothing else before it, so a
 * request refused at one share's connection leaves the counter as it was.
 */
export const MANAGER_GO = { kind: 'go' } as const;

/**
 * The code a share fails with when the manager refused its connection: the contract's 503 for a
 * bound, which `ProcessPoolRunner` answers with `Retry-After` (a crash would be 500).
 */
export const MANAGER_BUSY_CODE = 'ERR_OVERLOADED';

/**
 * The code a share fails with when nothing listens at the manager's address (ENOENT,
 * ECONNREFUSED): the manager is gone while the pool still runs shares — no bound, and no crash
 * of the pool process either, but the service's own fault: the contract's `ERR_INTERNAL`, which
 * `ProcessPoolRunner` answers 500 (a catalogued code, as MANAGER_BUSY_CODE is, never one of
 * its own that no catalog lists).
 */
export const MANAGER_UNREACHABLE_CODE = 'ERR_INTERNAL';
