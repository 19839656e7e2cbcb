/** How long a process about to exit waits for its ended spans to be exported. */
export const SPAN_FLUSH_TIMEOUT_MS = 2000;

/**
 * Flushes the ended spans before an exit, for `timeoutMs` at most, and tells `logger` (warn)
 * when they did not all go out: the OTLP exporter retries a
 * collector that is down or slow with backoff for up to its own 10 s timeout, and a process that
 * waited on it would outlive its supervisor's patience (a cluster primary SIGKILLs a worker
 * still there SHUTDOWN_TIMEOUT_MS + RUNNER_CLOSE_TIMEOUT_MS + this bound + 1 s after asking it
 * to stop) — killed, where
 * it should have exited on its own. Here, not in service-kit, so that the preload's signal flush
 * (signal-flush.ts) and a service's exit share one bound.
 */
export async function flushSpans(
  tracing: { shutdown(): Promise<void> } | undefined,
  {
    logger,
    timeoutMs = SPAN_FLUSH_TIMEOUT_MS,
  }: {
    logger?: { warn(fields: { spans: 'failed' | 'timed out' }, message: string): void };
    timeoutMs?: number;
  } = {},
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
