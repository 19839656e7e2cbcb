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
  /** How prom-client sums it across processes (`sum` unless the metric says otherwise). */
  aggregator?: string;
}
/** A registry as `getMetricsAsJSON` gives it: what `metrics.collect` and `metrics.final` carry. */
export type MetricsJson = MetricJson[];

/** prom-client's `aggregate` takes the output format too, which its typings leave out. */
const aggregate = AggregatorRegistry.aggregate.bind(AggregatorRegistry) as (
  metrics: MetricsJson[],
  contentType: RegistryContentType,
) => Registry<RegistryContentType>;

/** A worker that has not answered by then counts with its last answer (logged, never fatal). */
export const COLLECT_TIMEOUT_MS = 1000;

/** A worker process as the relay asks it: the primary's id for it, and its channel. */
export interface MetricsSource {
  id: number;
  rpc: RpcEndpoint;
}

/** A worker's last answer, and which scrape asked for it (a later one's answer wins). */
interface Snapshot {
  scrape: number;
  metrics: MetricsJson;
}

/**
 * `/metrics` for the whole model: the worker that got the scrape asks the primary, which asks
 * every worker for its registry as JSON (in parallel, each with a timeout), adds its own (but for
 * its event-loop lag, see `isLoopLag`), and sums them with prom-client's AggregatorRegistry.
 *
 * Counters and histograms must never go backwards (Prometheus reads a drop as a counter reset,
 * and `rate()` shows a spike that never was), though the processes behind them come and go. So
 * the relay keeps, per worker, the last registry it contributed, and:
 *
 * - a worker that misses a scrape (its timeout: a worker busy with CPU work) counts with its last
 *   answer's counters and histograms. Not its gauges: a stale gauge may be anything by now (a
 *   blocked worker's event-loop lag is exactly what its last answer under-reports), so they are
 *   left out for that scrape, as they were before;
 * - a worker that leaves for good has its counters and histograms folded into one `retired`
 *   registry, added to every later scrape. It is summed series by series, so it grows with the
 *   number of series, not with the number of workers that ever ran. A worker that drains (a
 *   rolling restart, a shutdown) hands over its final registry once nothing of its is in flight
 *   (`retireFinal`, before it exits): what it counted after its last scrape stays too, and one
 *   never scraped at all counts in full. One that leaves without a word (`retire` on its exit:
 *   SIGKILL, the OOM killer, an uncaught error, a handover that timed out) counts with its last
 *   answer: what it counted after that is lost, and the sum stays a true lower bound, and
 *   monotonic.
 *
 * A slow or dead worker costs the scrape one timeout, never the scrape itself.
 *
 * The format follows the scrape's `Accept`, as a single process's `/metrics` does: OpenMetrics
 * when `application/openmetrics-text` is asked for — with, on every histogram bucket, the
 * freshest exemplar (trace id) any live process recorded for it — else the classic Prometheus text.
 */
export class MetricsRelay {
  readonly #own: Registry<RegistryContentType>;
  readonly #onMissing: (error: unknown) => void;
  /** Every worker added and not yet retired, with its last answer once it gave one. */
  readonly #workers = new Map<number, Snapshot | undefined>();
  /** The counters and histograms of every retired worker, summed. */
  #retired: MetricsJson = [];
  #scrapes = 0;

  /**
   * @param own the primary's registry
   * @param onMissing told of each worker that did not answer a scrape
   */
  constructor(own: Registry<RegistryContentType>, onMissing: (error: unknown) => void) {
    this.#own = own;
    this.#onMissing = onMissing;
  }

  /** A worker joins the model: its answers count from now on, until it is retired. */
  add(id: number): void {
    if (!this.#workers.has(id)) this.#workers.set(id, undefined);
  }

  /**
   * The worker has left for good: its last answer's counters and histograms are kept in the
   * retired sum; its gauges go with it. An answer of its that arrives later is dropped. A no-op
   * for a worker already retired (by `retireFinal`, or before).
   */
  retire(id: number): void {
    const last = this.#workers.get(id);
    this.#workers.delete(id);
    if (last) this.#fold(last.metrics);
  }

  /**
   * The worker's final registry, sent once it has drained and before it exits: its counters and
   * histograms go to the retired sum in place of its last answer (a registry only grows, so the
   * final one holds all the last answer did), and the worker is retired — its later answers are
   * dropped, and its `retire` on exit is a no-op. False, and nothing changes, for a worker not
   * added or already retired (a handover that arrives after its exit: its last answer is what
   * stayed) and for a payload that is not a registry's JSON (then its exit falls back to its last
   * answer).
   */
  retireFinal(id: number, final: MetricsJson): boolean {
    if (!this.#workers.has(id) || !Array.isArray(final)) return false;
    try {
      this.#fold(final);
    } catch {
      return false;
    }
    this.#workers.delete(id);
    return true;
  }

  /**
   * Adds the counters and histograms of `metrics` to the retired sum; throws, the sum unchanged,
   * if they cannot be summed. Synchronous, so no scrape sees a worker gone and the sum not yet
   * grown.
   */
  #fold(metrics: MetricsJson): void {
    const monotonic = metrics.filter(isMonotonic);
    if (monotonic.length === 0) return;
    const folded = aggregate([this.#retired, monotonic], Registry.PROMETHEUS_CONTENT_TYPE);
    this.#retired = structuredClone(
      folded
        .getMetricsAsArray()
        .map((metric) => (metric as unknown as { get(): MetricJson }).get()),
    );
  }

  /**
   * One scrape: asks `ask` (the workers able to answer now; each added beforehand), and sums the
   * primary's registry, every worker's freshest answer and the retired sum.
   */
  async collect(
    ask: MetricsSource[],
    accept?: string,
  ): Promise<{ contentType: string; body: string }> {
    const scrape = ++this.#scrapes;
    const [replies, ownMetrics] = await Promise.all([
      Promise.allSettled(
        ask.map(({ rpc }) =>
          rpc.call<MetricsJson>(RPC.metricsCollect, undefined, { timeoutMs: COLLECT_TIMEOUT_MS }),
        ),
      ),
      this.#own.getMetricsAsJSON() as unknown as Promise<MetricsJson>,
    ]);
    const answered = new Set<number>();
    replies.forEach((reply, i) => {
      const id = ask[i]?.id;
      if (id === undefined) return;
      if (reply.status === 'rejected') return this.#onMissing(reply.reason);
      answered.add(id);
      this.#remember(id, { scrape, metrics: reply.value });
    });
    const collected: MetricsJson[] = [ownMetrics.filter((m) => !isLoopLag(m.name))];
    for (const [id, last] of this.#workers) {
      if (!last) continue;
      collected.push(answered.has(id) ? last.metrics : last.metrics.filter(isMonotonic));
    }
    const exemplars = freshestExemplars(collected);
    if (this.#retired.length > 0) collected.push(this.#retired);
    const openMetrics = wantsOpenMetrics(accept);
    const aggregated = aggregate(
      collected,
      openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE,
    );
    if (openMetrics) await asOpenMetrics(aggregated, exemplars);
    return { contentType: aggregated.contentType, body: await aggregated.metrics() };
  }

  /** Keeps `answer` as the worker's last, unless it was retired or a later scrape's answered. */
  #remember(id: number, answer: Snapshot): void {
    if (!this.#workers.has(id)) return;
    const last = this.#workers.get(id);
    if (!last || last.scrape < answer.scrape) this.#workers.set(id, answer);
  }
}

/**
 * A series that only grows while its process lives — a counter, a histogram's buckets, sum and
 * count — and that prom-client sums across processes: what must survive its process.
 */
function isMonotonic(metric: MetricJson): boolean {
  return (
    (metric.type === 'counter' || metric.type === 'histogram') &&
    (metric.aggregator ?? 'sum') === 'sum'
  );
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
