import { setTimeout as delay } from 'node:timers/promises';
import { MessageChannel } from 'node:worker_threads';
import {
  AggregatorRegistry,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type RegistryContentType,
} from 'prom-client';
import { aggregateMetrics } from '../src/metrics-relay';
import { RpcEndpoint } from '../src/rpc-endpoint';
import { ipcPort } from './support/ipc-port';

/** One process's registry, as the service kit builds it (OpenMetrics, exemplars on). */
function processRegistry() {
  const registry = new Registry<RegistryContentType>();
  registry.setDefaultLabels({ model: 'cluster' });
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const latency = new Histogram({
    name: 'http_server_request_duration_seconds',
    help: 'latency',
    labelNames: ['route'] as const,
    buckets: [0.005, 0.1],
    enableExemplars: true,
    registers: [registry],
  });
  const requests = new Counter({ name: 'demo_total', help: 'demo', registers: [registry] });
  const observe = (value: number, traceId: string) =>
    latency.observe({
      labels: { route: '/cpu/fib' },
      value,
      exemplarLabels: { trace_id: traceId } as never,
    });
  return { registry, observe, requests };
}

const TRACE = (c: string) => c.repeat(32);
const OPENMETRICS_ACCEPT = 'application/openmetrics-text; version=1.0.0';

describe('model-wide metrics with exemplars', () => {
  const channels: MessageChannel[] = [];
  const endpoints: RpcEndpoint[] = [];
  afterEach(() => {
    endpoints.splice(0).forEach((rpc) => rpc.close());
    channels.splice(0).forEach((c) => c.port1.close());
  });

  /** The primary's side of a worker answering `metrics.collect` from `registry`. */
  function worker(registry: Registry<RegistryContentType>): RpcEndpoint {
    const channel = new MessageChannel();
    const primarySide = new RpcEndpoint(ipcPort(channel.port1));
    const workerSide = new RpcEndpoint(ipcPort(channel.port2));
    workerSide.handle('metrics.collect', () => registry.getMetricsAsJSON());
    channels.push(channel);
    endpoints.push(primarySide, workerSide);
    return primarySide;
  }

  /** Two workers: both answered fast requests (a, then b later); only a answered a slow one. */
  async function twoWorkers() {
    const primary = processRegistry();
    const a = processRegistry();
    const b = processRegistry();
    a.observe(0.002, TRACE('a'));
    a.observe(0.05, TRACE('c'));
    a.requests.inc(2);
    await delay(20); // exemplar timestamps have millisecond resolution
    b.observe(0.003, TRACE('b'));
    b.requests.inc(3);
    primary.requests.inc(1);
    return { primary, workers: [worker(a.registry), worker(b.registry)] };
  }

  const bucket = (body: string, le: string) =>
    body
      .split('\n')
      .find(
        (line) =>
          line.startsWith('http_server_request_duration_seconds_bucket{') &&
          line.includes(`le="${le}"`),
      );

  it('an OpenMetrics scrape carries, per bucket, the freshest exemplar of any process', async () => {
    const { primary, workers } = await twoWorkers();
    const { contentType, body } = await aggregateMetrics(
      primary.registry,
      workers,
      (error) => {
        throw error;
      },
      OPENMETRICS_ACCEPT,
    );
    expect(contentType).toMatch(/^application\/openmetrics-text/);
    // Counts are summed over the processes; the exemplar is b's, the later of a's and b's.
    expect(bucket(body, '0.005')).toMatch(/ 2 # \{trace_id="b{32}"\} 0\.003 \d+(\.\d+)?$/);
    // Only a saw a request in this bucket alone: a's exemplar is kept.
    expect(bucket(body, '0.1')).toMatch(/ 3 # \{trace_id="c{32}"\} 0\.05 \d+(\.\d+)?$/);
    // A counter family is named without `_total` and its sample with it, once.
    expect(body).toMatch(/^# TYPE demo counter$/m);
    expect(body).toMatch(/^demo_total\{model="cluster"\} 6$/m);
    expect(body).not.toContain('_total_total');
    expect(body.endsWith('# EOF\n')).toBe(true);
  });

  it('a classic scrape gets the Prometheus text format, without exemplars', async () => {
    const { primary, workers } = await twoWorkers();
    const { contentType, body } = await aggregateMetrics(primary.registry, workers, (error) => {
      throw error;
    });
    expect(contentType).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(bucket(body, '0.005')).toMatch(/ 2$/);
    expect(body).not.toContain('# {');
    expect(body).toMatch(/^demo_total\{model="cluster"\} 6$/m);
    expect(body).not.toContain('# EOF');
  });

  it("negative control: prom-client's own aggregation, even asked for OpenMetrics, drops every exemplar", async () => {
    const { primary, workers } = await twoWorkers();
    const collected = await Promise.all([
      primary.registry.getMetricsAsJSON(),
      ...workers.map((rpc) => rpc.call<object[]>('metrics.collect')),
    ]);
    const aggregate = AggregatorRegistry.aggregate.bind(AggregatorRegistry) as (
      metrics: object[][],
      contentType: string,
    ) => Registry;
    const body = await aggregate(collected, Registry.OPENMETRICS_CONTENT_TYPE).metrics();
    expect(bucket(body, '0.005')).toMatch(/ 2$/);
    expect(body).not.toContain('# {trace_id=');
    expect(body).toContain('demo_total_total');
  });
});

describe('model-wide metrics', () => {
  it('sums every answering worker and leaves out one that does not answer, without failing', async () => {
    const registry = (value: number) => {
      const r = new Registry();
      r.setDefaultLabels({ model: 'cluster' });
      new Counter({ name: 'demo_total', help: 'demo', registers: [r] }).inc(value);
      return r;
    };
    const channels = [new MessageChannel(), new MessageChannel(), new MessageChannel()];
    const primarySide = channels.map((c) => new RpcEndpoint(ipcPort(c.port1)));
    const workerSide = channels.map((c) => new RpcEndpoint(ipcPort(c.port2)));
    workerSide[0]?.handle('metrics.collect', () => registry(2).getMetricsAsJSON());
    workerSide[1]?.handle('metrics.collect', () => registry(3).getMetricsAsJSON());
    workerSide[2]?.handle('metrics.collect', () => new Promise(() => undefined)); // hung worker
    const missing: unknown[] = [];
    try {
      const { body } = await aggregateMetrics(registry(1), primarySide, (e) => missing.push(e));
      expect(body).toMatch(/^demo_total\{model="cluster"\} 6$/m);
      expect(missing).toHaveLength(1);
    } finally {
      [...primarySide, ...workerSide].forEach((rpc) => rpc.close());
      channels.forEach((c) => c.port1.close());
    }
  });
  it("averages event-loop lag over the workers' loops only: the primary serves no request", async () => {
    // Each process as prom-client's default metrics build it: lag averaged across processes.
    const registry = (lag: number, cpu: number) => {
      const r = new Registry();
      r.setDefaultLabels({ model: 'cluster' });
      for (const name of ['nodejs_eventloop_lag_p99_seconds', 'demo_loop_share']) {
        new Gauge({ name, help: name, aggregator: 'average', registers: [r] }).set(lag);
      }
      new Counter({ name: 'demo_cpu_seconds_total', help: 'cpu', registers: [r] }).inc(cpu);
      return r;
    };
    const channels = [new MessageChannel(), new MessageChannel()];
    const primarySide = channels.map((c) => new RpcEndpoint(ipcPort(c.port1)));
    const workerSide = channels.map((c) => new RpcEndpoint(ipcPort(c.port2)));
    workerSide[0]?.handle('metrics.collect', () => registry(0.2, 5).getMetricsAsJSON());
    workerSide[1]?.handle('metrics.collect', () => registry(0.3, 6).getMetricsAsJSON());
    try {
      const { body } = await aggregateMetrics(registry(0.01, 1), primarySide, () => undefined);
      expect(body).toMatch(/^nodejs_eventloop_lag_p99_seconds\{model="cluster"\} 0\.25$/m);
      // Negative control: another averaged gauge still counts the primary ((0.01 + 0.2 + 0.3) / 3),
      // and its CPU is still added.
      expect(body).toMatch(/^demo_loop_share\{model="cluster"\} 0\.17$/m);
      expect(body).toMatch(/^demo_cpu_seconds_total\{model="cluster"\} 12$/m);
    } finally {
      [...primarySide, ...workerSide].forEach((rpc) => rpc.close());
      channels.forEach((c) => c.port1.close());
    }
  });
});
