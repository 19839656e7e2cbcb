import { flushSpans, SPAN_FLUSH_TIMEOUT_MS } from '@concurrency-lab/telemetry';
import { trace } from '@opentelemetry/api';
import type { Logger } from './logger';

/** The exit status of a process ended by an uncaught exception or an unhandled rejection. */
export const FATAL_EXIT_CODE = 1;

// The bounded flush lives in telemetry, beside the tracing it flushes (its preload's signal
// flush uses it too); the kit's callers keep importing it from here.
export { flushSpans, SPAN_FLUSH_TIMEOUT_MS } from '@concurrency-lab/telemetry';

export interface FatalErrorOptions {
  logger: Logger;
  /** Flushed before the exit, so the spans already ended (the request that failed, its
   * predecessors still in the batch) reach the backend. */
  tracing?: { shutdown(): Promise<void> } | undefined;
  /** How long the flush may take before the process exits anyway. @default SPAN_FLUSH_TIMEOUT_MS */
  flushTimeoutMs?: number;
}

/**
 * After an uncaught exception or an unhandled rejection the process's state is unknown — Node's
 * documentation: "it is not safe to resume normal operation" — so the service does what an
 * operator needs and no more: one `fatal` log line with the error and the trace id of the work
 * that failed (Node keeps the async context of the callback that threw, so the active span is
 * that request's), the spans flushed, and a non-zero exit. A cluster primary then replaces the
 * worker; an orchestrator, the pod. Returns a function that removes the handlers.
 */
export function exitOnFatalErrors(options: FatalErrorOptions): () => void {
  const { logger, tracing, flushTimeoutMs = SPAN_FLUSH_TIMEOUT_MS } = options;
  let exiting = false;
  const fatal = (kind: 'uncaughtException' | 'unhandledRejection', error: unknown) => {
    const traceId = trace.getActiveSpan()?.spanContext().traceId;
    logger.fatal({ err: error, kind, ...(traceId ? { traceId } : {}) }, `${kind}: exiting`);
    if (exiting) return; // a second error while flushing: logged, the exit is already coming
    exiting = true;
    void flushSpans(tracing, { logger, timeoutMs: flushTimeoutMs }).then(() =>
      process.exit(FATAL_EXIT_CODE),
    );
  };
  const onException = (error: Error) => fatal('uncaughtException', error);
  const onRejection = (reason: unknown) => fatal('unhandledRejection', reason);
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}
