/**
 * The sum of a metric's samples in Prometheus text whose labels include every `labels` pair
 * (`reason="event_loop_delay"`), e.g. `lab_shed_total` over every process of a cluster.
 */
export function metricSum(text: string, name: string, labels: readonly string[] = []): number {
  let total = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (!rest.startsWith('{') && !rest.startsWith(' ')) continue; // a longer name (`_count`)
    const close = rest.indexOf('}');
    const labelText = rest.startsWith('{') ? rest.slice(1, close) : '';
    if (!labels.every((l) => labelText.includes(l))) continue;
    const value = Number(rest.slice(rest.lastIndexOf(' ') + 1));
    if (Number.isFinite(value)) total += value;
  }
  return total;
}

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
  const reasons = [
    ...new Set(
      [...metrics.matchAll(/^lab_shed_total\{[^}]*reason="([^"]+)"/gm)].map((m) => m[1] ?? ''),
    ),
  ];
  const parts = reasons
    .map((r) => [r, metricSum(metrics, 'lab_shed_total', [`reason="${r}"`])] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r} ${n}`);
  return parts.join(', ') || 'none';
}
