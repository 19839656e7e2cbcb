import type { SerializedError } from '@concurrency-lab/errors';
import type { CpuTask } from '@concurrency-lab/workloads';

/**
 * What crosses the thread boundary, both ways. Kept in one file so the main-thread runner and
 * the worker entry (`pool-worker.ts`) cannot drift apart.
 */
export type PoolRequest = (
  | { op: 'cpu'; task: CpuTask; submittedAt: number }
  | {
      op: 'increment';
      times: number;
      safe: boolean;
      /** Int32Array(1) over a SharedArrayBuffer: how many of the `parties` have arrived. */
      start: SharedArrayBuffer;
      parties: number;
      submittedAt: number;
    }
) & {
  /** The caller's W3C trace context (`traceparent`), so the task belongs to the request's trace. */
  trace?: Record<string, string>;
};

/**
 * Errors are answered as values, not thrown: structured clone drops an Error's `code` (and its
 * class, and an AggregateError's `errors`: see @concurrency-lab/errors), and a client's corrupt
 * PNG (ERR_INVALID_IMAGE, a 400) must not turn into a 500 on the way back.
 * Only a real crash — process.exit, out of memory — rejects the pool's promise.
 */
export type PoolResponse =
  | {
      ok: true;
      result: unknown;
      threadId: number;
      startedAt: number;
      workMs: number;
      /** The trace id the thread received in the envelope (proof the context crossed). */
      traceId?: string;
    }
  | {
      ok: false;
      error: SerializedError;
      threadId: number;
      startedAt: number;
      workMs: number;
    };
