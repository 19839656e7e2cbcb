import { trace } from '@opentelemetry/api';
import type { Logger } from './logger';

/** The exit status of a process ended by an uncaught exception or an unhandled rejection. */
export const FATAL_EXIT_CODE = 1;

/** How long a process about to exit waits for its ended spans to be exported. */
export const SPAN_FLUSH_TIMEOUT_MS = 2000;

/**
 * Flushes the ended spans before an exit, for `timeoutMs` at most, and tells `logger` (warn)
 * when they did not all go out: the OTLP exporter retries a
 * collector that is down or slow with backoff for up to its own 10 s timeout, and a process that
 * waited on it would outlive its supervisor's patience (a cluster primary SIGKILLs a worker
 * still there SHUTDOWN_TIMEOUT_MS + RUNNER_CLOSE_TIMEOUT_MS + this bound + 1 s after asking it
 * to stop) — killed, where
 * it should have exited on its own.
 */
export async function flushSpans(
  tracing: { shutdown(): Promise<void> } | undefined,
  {
    logger,
    timeoutMs = SPAN_FLUSH_TIMEOUT_MS,
  }: { logger?: Pick<Logger, 'warn'>; timeoutMs?: number } = {},
): Promise<'flushed' | 'failed' | 'timed out'> {
  if (!tracing) return 'flushed';
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timed out'>((resolve) => {
    timer = setTimeout(() => resolve('timed out'), timeoutMs);
  });
  const flushed = tracing.shutdown().then(
    () => 'flushed' as const,
    () => 'failed' as const,
  );
  const spans = await Promise.race([flushed, timeout]);
  clearTimeout(timer);
  if (spans !== 'flushed') logger?.warn({ spans }, 'the last spans were not exported');
  return spans;
}

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
