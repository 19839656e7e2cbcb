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
import { COLLECT_TIMEOUT_MS, MetricsRelay, type MetricsJson } from '../src/metrics-relay';
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

/** One scrape by a relay that has just met `workers` (ids 1, 2, …): no memory of earlier ones. */
function aggregateMetrics(
  own: Registry<RegistryContentType>,
  workers: RpcEndpoint[],
  onMissing: (error: unknown) => void,
  accept?: string,
) {
  const relay = new MetricsRelay(own, onMissing);
  const sources = workers.map((rpc, i) => ({ id: i + 1, rpc }));
  sources.forEach(({ id }) => relay.add(id));
  return relay.collect(sources, accept);
}
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

describe('model-wide metrics while workers come and go', () => {
  const closers: (() => void)[] = [];
  afterEach(() => closers.splice(0).forEach((close) => close()));

  /** A process's registry: a counter, a gauge and a histogram, as a worker's has. */
  function processMetrics(requests: number, inFlight: number, observations: number) {
    const registry = new Registry();
    registry.setDefaultLabels({ model: 'cluster' });
    const counter = new Counter({ name: 'demo_total', help: 'demo', registers: [registry] });
    counter.inc(requests);
    new Gauge({ name: 'demo_in_flight', help: 'demo', registers: [registry] }).set(inFlight);
    const latency = new Histogram({
      name: 'demo_seconds',
      help: 'demo',
      buckets: [0.01],
      registers: [registry],
    });
    for (let i = 0; i < observations; i++) latency.observe(0.002);
    return { registry, counter, latency };
  }

  /**
   * The primary's side of a worker answering `metrics.collect` from `registry` — or holding its
   * answers while `hold` is set, until `release` — and `ping` (answered after any reply sent
   * before it: the channel keeps order).
   */
  function worker(registry: Registry) {
    const channel = new MessageChannel();
    const primarySide = new RpcEndpoint(ipcPort(channel.port1));
    const workerSide = new RpcEndpoint(ipcPort(channel.port2));
    const held: (() => void)[] = [];
    const control = { hold: false, release: () => held.splice(0).forEach((go) => go()) };
    workerSide.handle('metrics.collect', async () => {
      // Read when asked: an answer held back is what the worker had counted then. Copied, as a
      // real worker's answer is when it crosses the channel: prom-client's JSON holds its live
      // values, so an answer held uncopied showed the later count, and a relay that let an
      // older scrape's answer replace a newer one passed.
      const answer = structuredClone(await registry.getMetricsAsJSON());
      if (control.hold) await new Promise<void>((resolve) => held.push(resolve));
      return answer;
    });
    workerSide.handle('ping', () => 'pong');
    closers.push(() => {
      control.release();
      primarySide.close();
      workerSide.close();
      channel.port1.close();
    });
    return { rpc: primarySide, control };
  }

  const value = (body: string, series: string) => {
    const line = body
      .split('\n')
      .find((l) => l.startsWith(`${series}{`) || l.startsWith(`${series} `));
    return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
  };
  const noMissing = (error: unknown) => {
    throw error;
  };
  /** What a drained worker sends as its last word: its registry now. */
  const finalOf = async (registry: Registry) =>
    (await registry.getMetricsAsJSON()) as unknown as MetricsJson;

  /**
   * A relay that has met two workers, a (id 1) and b (id 2), whose registries are built from
   * `a` and `b` (see `processMetrics`); the primary's own counts one request.
   */
  function relayOfTwo(
    a: Parameters<typeof processMetrics>,
    b: Parameters<typeof processMetrics>,
    onMissing: (error: unknown) => void = noMissing,
  ) {
    const own = processMetrics(1, 0, 0);
    const [pa, pb] = [processMetrics(...a), processMetrics(...b)];
    const [wa, wb] = [worker(pa.registry), worker(pb.registry)];
    const relay = new MetricsRelay(own.registry, onMissing);
    const sources = [
      { id: 1, rpc: wa.rpc },
      { id: 2, rpc: wb.rpc },
    ];
    sources.forEach(({ id }) => relay.add(id));
    return { a: pa, b: pb, wa, wb, relay, sources };
  }

  it("keeps a retired worker's counters and histograms in every later scrape, not its gauges", async () => {
    const { a, wa, relay, sources } = relayOfTwo([2, 5, 1], [3, 7, 2]);
    const before = (await relay.collect(sources)).body;
    expect(value(before, 'demo_total')).toBe(6);
    expect(value(before, 'demo_in_flight')).toBe(12);
    expect(value(before, 'demo_seconds_count')).toBe(3);

    relay.retire(2); // b exits (a crash, a rolling restart)
    const after = (await relay.collect([{ id: 1, rpc: wa.rpc }])).body;
    // Before, b's share vanished: demo_total 6 → 3, demo_seconds_count 3 → 1 (a counter reset).
    expect(value(after, 'demo_total')).toBe(6);
    expect(value(after, 'demo_seconds_count')).toBe(3);
    expect(after).toMatch(/^demo_seconds_bucket\{le="0\.01",model="cluster"\} 3$/m);
    expect(value(after, 'demo_in_flight')).toBe(5); // its gauges went with it

    a.counter.inc(4);
    expect(value((await relay.collect([{ id: 1, rpc: wa.rpc }])).body, 'demo_total')).toBe(10);
    relay.retire(1); // what a counted after its last answer is not known: 10 is what stays
    a.counter.inc(100);
    expect(value((await relay.collect([])).body, 'demo_total')).toBe(10);
  });

  it('counts a worker that misses a scrape with its last counters and histograms, without its gauges', async () => {
    const missing: unknown[] = [];
    const { wb, relay, sources } = relayOfTwo([2, 5, 1], [3, 7, 2], (error) => missing.push(error));
    await relay.collect(sources);
    wb.control.hold = true; // b is busy past the collect timeout
    const body = (await relay.collect(sources)).body;
    expect(missing).toHaveLength(1);
    expect(value(body, 'demo_total')).toBe(6);
    expect(value(body, 'demo_seconds_count')).toBe(3);
    expect(value(body, 'demo_in_flight')).toBe(5);
  });

  it("costs a scrape one collect timeout for a silent worker, well inside a worker's 5 s wait for the sum", async () => {
    const { wb, relay, sources } = relayOfTwo([2, 5, 1], [3, 7, 2], () => undefined);
    wb.control.hold = true;
    const started = performance.now();
    await relay.collect(sources);
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeGreaterThanOrEqual(COLLECT_TIMEOUT_MS - 50);
    // The worker that asked gives up on the primary after 5 s (a 503): a collect timeout near
    // it turned one busy worker into a model-wide /metrics outage.
    expect(elapsedMs).toBeLessThan(2500);
  });

  it('never counts a worker twice when its answer arrives after it was retired', async () => {
    const { a, wa, wb, relay, sources } = relayOfTwo([2, 0, 0], [3, 0, 0]);
    expect(value((await relay.collect(sources)).body, 'demo_total')).toBe(6);
    a.counter.inc(10);
    wb.control.hold = true;
    const scrape = relay.collect(sources);
    await wa.rpc.call('ping'); // a's answer (12) has reached the primary…
    relay.retire(1); // …and then a exits: its last contribution (2) is what stays
    wb.control.release();
    expect(value((await scrape).body, 'demo_total')).toBe(6);
    wb.control.hold = false;
    expect(value((await relay.collect([{ id: 2, rpc: wb.rpc }])).body, 'demo_total')).toBe(6);
  });

  it('answers no scrape with less than a later scrape already got from a worker', async () => {
    const own = processMetrics(0, 0, 0);
    const a = processMetrics(2, 0, 0);
    const wa = worker(a.registry);
    const relay = new MetricsRelay(own.registry, noMissing);
    relay.add(1);
    wa.control.hold = true;
    const first = relay.collect([{ id: 1, rpc: wa.rpc }]); // a reads 2 and holds its answer
    await wa.rpc.call('ping');
    wa.control.hold = false;
    a.counter.inc(3);
    expect(value((await relay.collect([{ id: 1, rpc: wa.rpc }])).body, 'demo_total')).toBe(5);
    wa.control.release();
    expect(value((await first).body, 'demo_total')).toBe(5);
  });

  it('keeps the retired sum as large as its series, however many workers retired', async () => {
    const own = processMetrics(0, 0, 0);
    const relay = new MetricsRelay(own.registry, noMissing);
    let lines = 0;
    for (let id = 1; id <= 50; id++) {
      const w = worker(processMetrics(1, 1, 1).registry);
      relay.add(id);
      await relay.collect([{ id, rpc: w.rpc }]);
      relay.retire(id);
      const body = (await relay.collect([])).body;
      expect(value(body, 'demo_total')).toBe(id);
      expect(value(body, 'demo_seconds_count')).toBe(id);
      if (id === 1) lines = body.split('\n').length;
      expect(body.split('\n')).toHaveLength(lines);
    }
  });

  it("takes a drained worker's final registry in place of its last answer: what it counted since stays", async () => {
    const { a, wb, relay, sources } = relayOfTwo([2, 5, 1], [3, 7, 2]);
    expect(value((await relay.collect(sources)).body, 'demo_total')).toBe(6);
    // a serves more after that scrape, then drains and hands over its final registry.
    a.counter.inc(4);
    a.latency.observe(0.002);
    expect(relay.retireFinal(1, await finalOf(a.registry))).toBe(true);
    const after = (await relay.collect([{ id: 2, rpc: wb.rpc }])).body;
    // Retired with its last answer, 6 and 3: a's later 4 and 1 were lost.
    expect(value(after, 'demo_total')).toBe(1 + 6 + 3);
    expect(value(after, 'demo_seconds_count')).toBe(2 + 2);
    expect(after).toMatch(/^demo_seconds_bucket\{le="0\.01",model="cluster"\} 4$/m);
    expect(value(after, 'demo_in_flight')).toBe(7); // its gauges went with it

    // Its exit, after: a no-op, not a second count of its last answer.
    relay.retire(1);
    // An answer of its to a scrape (it still lingers a moment) is dropped.
    a.counter.inc(100);
    const later = (await relay.collect(sources)).body;
    expect(value(later, 'demo_total')).toBe(10);
    expect(value(later, 'demo_seconds_count')).toBe(4);
  });

  it('counts a worker never scraped in full from its final registry', async () => {
    const own = processMetrics(0, 0, 0);
    const a = processMetrics(7, 1, 3);
    const relay = new MetricsRelay(own.registry, noMissing);
    relay.add(1);
    // Retired on its exit without one, it counted nothing at all: 0.
    expect(relay.retireFinal(1, await finalOf(a.registry))).toBe(true);
    const body = (await relay.collect([])).body;
    expect(value(body, 'demo_total')).toBe(7);
    expect(value(body, 'demo_seconds_count')).toBe(3);
    expect(value(body, 'demo_in_flight')).toBe(0);
  });

  it('counts a worker once when its final registry comes while a scrape waits for its answer', async () => {
    const { a, wa, wb, relay, sources } = relayOfTwo([2, 0, 0], [3, 0, 0]);
    wb.control.hold = true;
    const scrape = relay.collect(sources);
    await wa.rpc.call('ping'); // a's answer (2) has reached the primary…
    a.counter.inc(5);
    // …and then its final one (7), before the scrape sums.
    expect(relay.retireFinal(1, await finalOf(a.registry))).toBe(true);
    wb.control.release();
    expect(value((await scrape).body, 'demo_total')).toBe(1 + 7 + 3);
  });

  it('ignores a final registry for a worker not added or already retired, or that is not one', async () => {
    const { a, b, wb, relay, sources } = relayOfTwo([2, 0, 1], [3, 0, 1]);
    await relay.collect(sources);
    relay.retire(1); // a exited (SIGKILL) before its final registry arrived: 2 is what stays
    a.counter.inc(10);
    const late = await finalOf(a.registry);
    expect(relay.retireFinal(1, late)).toBe(false);
    expect(relay.retireFinal(99, late)).toBe(false); // never added
    // Not a registry's JSON: refused, and b still counts, live, then with its last answer.
    expect(relay.retireFinal(2, 'not metrics' as never)).toBe(false);
    expect(relay.retireFinal(2, [{ name: 'demo_total', type: 'counter' }] as never)).toBe(false);
    b.counter.inc(1);
    const body = (await relay.collect([{ id: 2, rpc: wb.rpc }])).body;
    expect(value(body, 'demo_total')).toBe(1 + 2 + 4);
    expect(value(body, 'demo_seconds_count')).toBe(2);
    b.counter.inc(100);
    relay.retire(2);
    expect(value((await relay.collect([])).body, 'demo_total')).toBe(7);
  });

  it('keeps the freshest exemplar of the workers still there, with a retired sum beside them', async () => {
    const primary = processRegistry();
    const a = processRegistry();
    const b = processRegistry();
    a.observe(0.002, TRACE('a'));
    const relay = new MetricsRelay(primary.registry, noMissing);
    const wa = worker(a.registry as Registry);
    const wb = worker(b.registry as Registry);
    relay.add(1);
    relay.add(2);
    await relay.collect([
      { id: 1, rpc: wa.rpc },
      { id: 2, rpc: wb.rpc },
    ]);
    relay.retire(1);
    await delay(20);
    b.observe(0.003, TRACE('b'));
    const { body } = await relay.collect([{ id: 2, rpc: wb.rpc }], OPENMETRICS_ACCEPT);
    const line = body
      .split('\n')
      .find(
        (l) =>
          l.startsWith('http_server_request_duration_seconds_bucket{') && l.includes('le="0.005"'),
      );
    expect(line).toMatch(/ 2 # \{trace_id="b{32}"\} 0\.003 \d+(\.\d+)?$/);
    expect(body.endsWith('# EOF\n')).toBe(true);
  });
});
