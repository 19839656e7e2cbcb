/** Prometheus's HTTP API, the calls these tests make. Errors name the query that failed. */

export interface InstantSample {
  metric: Record<string, string>;
  value: [number, string];
}

export async function instantQuery(prometheusUrl: string, expr: string): Promise<InstantSample[]> {
  const url = `${prometheusUrl}/api/v1/query?${new URLSearchParams({ query: expr }).toString()}`;
  const response = await fetch(url);
  const body = (await response.json()) as {
    status: string;
    error?: string;
    data?: { resultType: string; result: InstantSample[] };
  };
  if (body.status !== 'success' || !body.data) {
    throw new Error(`Prometheus refused \`${expr}\`: ${body.error ?? response.status}`);
  }
  if (body.data.resultType !== 'vector') {
    throw new Error(`Expected \`${expr}\` to give an instant vector, got ${body.data.resultType}`);
  }
  return body.data.result;
}

/** Values of `label` over the series matching `selector` (what Grafana's label_values does). */
export async function labelValues(
  prometheusUrl: string,
  label: string,
  selector: string,
): Promise<string[]> {
  const url = `${prometheusUrl}/api/v1/label/${label}/values?${new URLSearchParams({ 'match[]': selector }).toString()}`;
  const body = (await (await fetch(url)).json()) as {
    status: string;
    error?: string;
    data?: string[];
  };
  if (body.status !== 'success' || !body.data) {
    throw new Error(`Prometheus refused label_values(${selector}, ${label}): ${body.error}`);
  }
  return body.data;
}

/** The models for which `samples` hold at least one finite value (NaN draws nothing in Grafana). */
export function modelsWithData(samples: InstantSample[]): Set<string> {
  return new Set(
    samples
      .filter((s) => Number.isFinite(Number(s.value[1])) && s.metric['model'] !== undefined)
      .map((s) => s.metric['model'] as string),
  );
}
