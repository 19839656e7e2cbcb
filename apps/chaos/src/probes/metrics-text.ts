import { metricSamples } from '@concurrency-lab/launcher';

/** The service's `/metrics`, or undefined when it does not answer within `timeoutMs`. */
export async function fetchMetrics(base: string, timeoutMs = 2000): Promise<string | undefined> {
  try {
    const response = await fetch(`${base}/metrics`, { signal: AbortSignal.timeout(timeoutMs) });
    return response.ok ? await response.text() : undefined;
  } catch {
    return undefined; // too slow this time: a gap in the series, not a failure of the drill
  }
}

/** `queue_full 120, event_loop_delay 3400` from `lab_shed_total{reason}`. */
export function shedReasons(metrics: string): string {
  // One pass over the series, summed by reason (a cluster has one series per process).
  const byReason = new Map<string, number>();
  for (const { labels, value } of metricSamples(metrics, 'lab_shed_total')) {
    const reason = labels['reason'] ?? '';
    if (Number.isFinite(value)) byReason.set(reason, (byReason.get(reason) ?? 0) + value);
  }
  const parts = [...byReason].filter(([, n]) => n > 0).map(([r, n]) => `${r} ${n}`);
  return parts.join(', ') || 'none';
}
