import { AggregatorRegistry, Registry, type RegistryContentType } from 'prom-client';
import { wantsOpenMetrics } from '@concurrency-lab/service-kit';
import { RPC } from './counter-protocol';
import type { RpcEndpoint } from './rpc-endpoint';

/**
 * The registry JSON as prom-client 15 builds it at runtime (its typings say less: a numeric
 * `type`, no exemplars), which is what crosses the IPC channel.
 */
interface ExemplarJson {
  labelSet: Record<string, string | number>;
  value: number;
  /** Seconds since the epoch, when it was recorded. */
  timestamp?: number;
}
interface Sample {
  labels: Record<string, string | number>;
  value: number;
  metricName?: string;
  exemplar?: ExemplarJson | null;
}
interface MetricJson {
  name: string;
  type: string;
  values: Sample[];
}
type MetricsJson = MetricJson[];

/** prom-client's `aggregate` takes the output format too, which its typings leave out. */
const aggregate = AggregatorRegistry.aggregate.bind(AggregatorRegistry) as (
  metrics: MetricsJson[],
  contentType: RegistryContentType,
) => Registry<RegistryContentType>;

/** A worker that has not answered by then is left out of this scrape (logged, never fatal). */
export const COLLECT_TIMEOUT_MS = 1000;

/**
 * `/metrics` for the whole model: the worker that got the scrape asks the primary, which asks
 * every worker for its registry as JSON (in parallel, each with a timeout), adds its own (but for
 * its event-loop lag, see `isLoopLag`), and sums them with prom-client's AggregatorRegistry. A slow or dead worker costs the scrape one
 * timeout and its own series, never the scrape itself.
 *
 * The format follows the scrape's `Accept`, as a single process's `/metrics` does: OpenMetrics
 * when `application/openmetrics-text` is asked for — with, on every histogram bucket, the
 * freshest exemplar (trace id) any process recorded for it — else the classic Prometheus text.
 */
export async function aggregateMetrics(
  own: Registry<RegistryContentType>,
  workers: RpcEndpoint[],
  onMissing: (error: unknown) => void,
  accept?: string,
): Promise<{ contentType: string; body: string }> {
  const replies = await Promise.allSettled(
    workers.map((rpc) =>
      rpc.call<MetricsJson>(RPC.metricsCollect, undefined, { timeoutMs: COLLECT_TIMEOUT_MS }),
    ),
  );
  const ownMetrics = (await own.getMetricsAsJSON()) as unknown as MetricsJson;
  const collected: MetricsJson[] = [ownMetrics.filter((m) => !isLoopLag(m.name))];
  for (const reply of replies) {
    if (reply.status === 'fulfilled') collected.push(reply.value);
    else onMissing(reply.reason);
  }
  const openMetrics = wantsOpenMetrics(accept);
  const aggregated = aggregate(
    collected,
    openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE,
  );
  if (openMetrics) await asOpenMetrics(aggregated, freshestExemplars(collected));
  return { contentType: aggregated.contentType, body: await aggregated.metrics() };
}

/**
 * The event-loop lag series (`nodejs_eventloop_lag_*`), which prom-client averages across
 * processes. The primary serves no request, so its idle loop's lag, averaged in, would report a
 * saturated cluster's workers as a third less late than they are (with 2 workers): the model's
 * lag is its serving loops'. Its CPU, memory and heap still count: they are the model's cost.
 */
function isLoopLag(name: string): boolean {
  return name.startsWith('nodejs_eventloop_lag_');
}

/** One series: the sample's name and its labels, in a stable order. */
function seriesKey(name: string, sample: Sample): string {
  const labels = Object.entries(sample.labels).sort(([a], [b]) => (a < b ? -1 : 1));
  return `${sample.metricName ?? name}${JSON.stringify(labels)}`;
}

/** Per series, the exemplar with the latest timestamp among every process's. */
function freshestExemplars(collected: MetricsJson[]): Map<string, ExemplarJson> {
  const freshest = new Map<string, ExemplarJson>();
  for (const metrics of collected) {
    for (const metric of metrics) {
      if (metric.type !== 'histogram') continue;
      for (const sample of metric.values) {
        const exemplar = sample.exemplar;
        if (!exemplar) continue;
        const key = seriesKey(metric.name, sample);
        const current = freshest.get(key);
        if (!current || (exemplar.timestamp ?? 0) > (current.timestamp ?? 0))
          freshest.set(key, exemplar);
      }
    }
  }
  return freshest;
}

/**
 * What prom-client's aggregation loses for OpenMetrics, put back on the aggregated samples
 * (serialized from the very objects `get()` returns): the exemplars its aggregators drop, and
 * counter family names without `_total` (the OpenMetrics writer appends `_total` to every
 * counter sample, and only strips it from a registered Counter, not from an aggregate).
 */
async function asOpenMetrics(
  aggregated: Registry<RegistryContentType>,
  exemplars: Map<string, ExemplarJson>,
): Promise<void> {
  for (const metric of aggregated.getMetricsAsArray()) {
    const data = await (metric as unknown as { get(): MetricJson | Promise<MetricJson> }).get();
    if (data.type === 'counter') data.name = data.name.replace(/_total$/, '');
    if (data.type !== 'histogram' || exemplars.size === 0) continue;
    for (const sample of data.values) {
      const exemplar = exemplars.get(seriesKey(data.name, sample));
      if (exemplar) sample.exemplar = exemplar;
    }
  }
}
