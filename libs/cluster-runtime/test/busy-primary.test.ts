import { ADMISSION_OFF } from '@concurrency-lab/launcher';
import {
  createService,
  createServiceMetrics,
  InlineRunner,
  loadConfig,
  ProblemError,
} from '@concurrency-lab/service-kit';
import pino from 'pino';
import { Counter, Registry, type RegistryContentType } from 'prom-client';
import { busyPrimaryAsOverloaded, clusterWorkerRuntime } from '../src/cluster-worker-main';
import { RPC } from '../src/counter-protocol';
import { MetricsRelay } from '../src/metrics-relay';
import { endpointPair } from './support/ipc-port';

describe("a worker's model-wide /metrics when its primary is slow to answer", () => {
  let pair: ReturnType<typeof endpointPair>;
  beforeEach(() => (pair = endpointPair()));
  afterEach(() => pair.close());

  /** A real worker's HTTP service on its runtime, talking to the primary at `pair.b`. */
  async function workerService() {
    const config = { ...loadConfig(ADMISSION_OFF, { port: 0 }), port: 0 };
    const metrics = createServiceMetrics('cluster');
    const service = createService({
      model: 'cluster',
      config,
      runtime: clusterWorkerRuntime(pair.a, new InlineRunner(), config, metrics),
      logger: pino({ level: 'silent' }),
      metrics,
    });
    return { service, base: `http://127.0.0.1:${(await service.listen()).port}` };
  }

  it('is a 503 ERR_OVERLOADED with Retry-After when the call times out, not a 500', async () => {
    pair.b.handle('metrics.aggregate', () => new Promise<never>(() => undefined)); // too busy
    const error = await pair.a
      .call('metrics.aggregate', undefined, { timeoutMs: 20 })
      .catch(busyPrimaryAsOverloaded)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({
      code: 'ERR_OVERLOADED',
      status: 503,
      retryAfterSeconds: 1,
      cause: expect.objectContaining({ code: 'ERR_CLUSTER_IPC_TIMEOUT' }),
    });
  });

  it('negative control: any other failure of the call is passed on as it is', async () => {
    const error = await pair.a
      .call('metrics.aggregate', undefined, { timeoutMs: 20 }) // no handler on the other side
      .catch(busyPrimaryAsOverloaded)
      .catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ProblemError);
    expect(error).toMatchObject({ code: 'ERR_CLUSTER_IPC_NO_METHOD' });
  });

  it("answers a real worker's /metrics 503 ERR_OVERLOADED with Retry-After: 1, not a 500", async () => {
    // Through the worker's own runtime and HTTP service: the helper above is only what the
    // runtime's metricsProvider must use. The call waits the worker's aggregate bound (5 s).
    pair.b.handle(RPC.metricsAggregate, () => new Promise<never>(() => undefined)); // too busy
    const { service, base } = await workerService();
    try {
      const response = await fetch(`${base}/metrics`);
      const body = (await response.json()) as { code?: string };
      expect([response.status, response.headers.get('retry-after'), body.code]).toEqual([
        503,
        '1',
        'ERR_OVERLOADED',
      ]);
    } finally {
      await service.shutdown();
    }
  }, 15_000);

  it("waits out the primary's collect timeout for a silent worker: the scrape is a 200", async () => {
    // The worker's bound must outlast the relay's wait for a silent worker (COLLECT_TIMEOUT_MS),
    // else every scrape with one busy worker would be a 503 for the whole model.
    const silent = endpointPair();
    silent.b.handle(RPC.metricsCollect, () => new Promise<never>(() => undefined));
    const own = new Registry<RegistryContentType>();
    new Counter({ name: 'primary_seen', help: 'seen', registers: [own] }).inc(3);
    const missed: unknown[] = [];
    const relay = new MetricsRelay(own, (error) => missed.push(error));
    relay.add(1);
    pair.b.handle(RPC.metricsAggregate, () => relay.collect([{ id: 1, rpc: silent.a }]));
    const { service, base } = await workerService();
    try {
      const response = await fetch(`${base}/metrics`);
      const body = await response.text();
      expect(response.status).toBe(200);
      expect(body).toMatch(/^primary_seen 3$/m);
      // The relay did wait for the silent worker until its own timeout.
      expect(missed).toEqual([expect.objectContaining({ code: 'ERR_CLUSTER_IPC_TIMEOUT' })]);
    } finally {
      await service.shutdown();
      silent.close();
    }
  }, 15_000);
});
