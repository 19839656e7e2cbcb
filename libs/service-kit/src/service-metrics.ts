import { performance, type EventLoopUtilization } from 'node:perf_hooks';
import {
  Counter,
  Gauge,
  Histogram,
  Registry,
  collectDefaultMetrics,
  type RegistryContentType,
} from 'prom-client';

/**
 * One prom-client registry per process, named after the contract's metrics table. Every series
 * carries `model` (a default label). The telemetry lib extends this (pool, lock and queue
 * metrics, exemplars, cluster aggregation); the names here are the contract's.
 */
export interface ServiceMetrics {
  /** An OpenMetrics registry (exemplars need one); `metricsText` serves either format. */
  readonly registry: Registry<RegistryContentType>;
  readonly requestDuration: Histogram<'method' | 'route' | 'status_code'>;
  readonly activeRequests: Gauge;
  readonly shedTotal: Counter<'reason'>;
  /** `lab_queue_size{queue}`, `lab_queue_wait_seconds{queue}`: fed by the queues lib's observer. */
  readonly queueSize: Gauge<'queue'>;
  readonly queueWaitSeconds: Histogram<'queue'>;
  /**
   * `lab_lock_wait_seconds{lock}`, `lab_lock_hold_seconds{lock}`: fed by the locks lib's observer.
   */
  readonly lockWaitSeconds: Histogram<'lock'>;
  readonly lockHoldSeconds: Histogram<'lock'>;
}

/** From a microsecond to seconds: uncontended locks and queues are fast, stuck ones are not. */
const WAIT_BUCKETS = [1e-6, 1e-5, 1e-4, 0.001, 0.005, 0.025, 0.1, 0.5, 1, 5, 30];

/** Latency buckets from 1 ms to 30 s: fib(40) on a blocked loop and 10 s sleeps must fit. */
const LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

export function createServiceMetrics(model: string): ServiceMetrics {
  const registry = createProcessRegistry(model);
  // OpenMetrics from the start: prom-client only lets a metric carry exemplars on such a
  // registry. Plain Prometheus text is produced per scrape by switching the content type.
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);

  const requestDuration = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'Duration of HTTP server requests, by route template.',
    labelNames: ['method', 'route', 'status_code'] as const,
    buckets: LATENCY_BUCKETS,
    enableExemplars: true,
    registers: [registry],
  });
  const activeRequests = new Gauge({
    name: 'http_server_active_requests',
    help: 'HTTP requests being served now.',
    registers: [registry],
  });
  const shedTotal = new Counter({
    name: 'lab_shed_total',
    help: 'Requests refused with 503 because a bound was reached, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
  });
  let last: EventLoopUtilization = performance.eventLoopUtilization();
  new Gauge({
    name: 'lab_eventloop_utilization',
    help: 'Share of time the event loop was busy since the previous scrape (0..1).',
    registers: [registry],
    // Across cluster processes the mean is the meaningful figure; a sum could exceed 1.
    aggregator: 'average',
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, last).utilization);
      last = now;
    },
  });
  const queueSize = new Gauge({
    name: 'lab_queue_size',
    help: 'Items waiting in a bounded queue, by queue.',
    labelNames: ['queue'] as const,
    registers: [registry],
  });
  const queueWaitSeconds = new Histogram({
    name: 'lab_queue_wait_seconds',
    help: 'Time an item waited in a queue before a consumer took it, by queue.',
    labelNames: ['queue'] as const,
    buckets: WAIT_BUCKETS,
    registers: [registry],
  });
  const { lockWaitSeconds, lockHoldSeconds } = createLockHistograms(registry);
  return {
    registry,
    requestDuration,
    activeRequests,
    shedTotal,
    queueSize,
    queueWaitSeconds,
    lockWaitSeconds,
    lockHoldSeconds,
  };
}

let scrapes: Promise<unknown> = Promise.resolve();

/**
 * Whether a scrape's `Accept` prefers OpenMetrics to the classic text format: it names
 * `application/openmetrics-text` with a q-value above 0 and at least that of the best range
 * that would take the classic format (`text/plain`, `text/*`, `*` + `/*`). What Prometheus sends
 * (OpenMetrics at q=0.5 or 0.4, text/plain at 0.3 and below) picks OpenMetrics; `;q=0` refuses it,
 * as HTTP says (RFC 9110 §12.4.2), where a plain substring match took it.
 */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  let openMetrics = 0;
  let text = 0;
  for (const range of accept.split(',')) {
    const [type = '', ...params] = range.split(';').map((part) => part.trim().toLowerCase());
    const q = params.find((param) => param.startsWith('q='));
    const weight = q === undefined ? 1 : Number(q.slice(2));
    if (!(weight >= 0 && weight <= 1)) continue; // a malformed q: the range is ignored
    if (type === 'application/openmetrics-text') openMetrics = Math.max(openMetrics, weight);
    else if (type === 'text/plain' || type === 'text/*' || type === '*/*')
      text = Math.max(text, weight);
  }
  return openMetrics > 0 && openMetrics >= text;
}

/**
 * The registry as the scrape asks for it: OpenMetrics (with exemplars: the trace id of a request
 * in each latency bucket) when `Accept` names `application/openmetrics-text`, else the classic
 * Prometheus text. Scrapes are serialized because the format is a property of the registry.
 */
export function metricsText(
  registry: Registry<RegistryContentType>,
  accept: string | undefined,
): Promise<{ contentType: string; body: string }> {
  const openMetrics = wantsOpenMetrics(accept);
  const next = scrapes.then(async () => {
    registry.setContentType(
      openMetrics ? Registry.OPENMETRICS_CONTENT_TYPE : Registry.PROMETHEUS_CONTENT_TYPE,
    );
    // prom-client (15.1) renames each counter in place for an OpenMetrics scrape (`lab_shed_total`
    // becomes `lab_shed`, the family name) and never renames it back, so every later classic
    // scrape would lose `_total`. The names are put back after each scrape.
    const names = registry.getMetricsAsArray().map((metric) => [metric, metric.name] as const);
    try {
      return { contentType: registry.contentType, body: await registry.metrics() };
    } finally {
      for (const [metric, name] of names) metric.name = name;
      registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    }
  });
  scrapes = next.catch(() => undefined);
  return next;
}

/** `lab_lock_wait_seconds{lock}` and `lab_lock_hold_seconds{lock}` on `registry`. */
export function createLockHistograms(registry: Registry<RegistryContentType>): {
  lockWaitSeconds: Histogram<'lock'>;
  lockHoldSeconds: Histogram<'lock'>;
} {
  return {
    lockWaitSeconds: new Histogram({
      name: 'lab_lock_wait_seconds',
      help: 'Time spent waiting to acquire a lock, by lock.',
      labelNames: ['lock'] as const,
      buckets: WAIT_BUCKETS,
      registers: [registry],
    }),
    lockHoldSeconds: new Histogram({
      name: 'lab_lock_hold_seconds',
      help: 'Time a lock was held, by lock.',
      labelNames: ['lock'] as const,
      buckets: WAIT_BUCKETS,
      registers: [registry],
    }),
  };
}

/** A process's registry: `model` on every series and prom-client's default process metrics. */
export function createProcessRegistry(model: string): Registry<RegistryContentType> {
  const registry = new Registry<RegistryContentType>();
  registry.setDefaultLabels({ model });
  collectDefaultMetrics({ register: registry });
  return registry;
}

/**
 * `lab_worker_restarts_total{kind}`, present at 0 from the start so a model that never restarted
 * shows 0 rather than no data.
 */
export function createRestartsCounter(
  registry: Registry<RegistryContentType>,
  kind: 'thread' | 'process',
): Counter<'kind'> {
  const restarts = new Counter({
    name: 'lab_worker_restarts_total',
    help: 'Workers replaced after dying or being terminated, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  restarts.inc({ kind }, 0);
  return restarts;
}
