import { ADMISSION_OFF, metricSum } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { incrementCounter } from '@concurrency-lab/contract-testing';
import {
  createProcessRegistry,
  createRestartsCounter,
  createService,
  createServiceMetrics,
  InlineRunner,
  loadConfig,
  type Service,
} from '@concurrency-lab/service-kit';
import pino from 'pino';
import { MessageChannel } from 'node:worker_threads';
import { clusterWorkerRuntime } from '../src/cluster-worker-main';
import { CounterManager, type ShareRunner } from '../src/counter-manager';
import { RPC, type IncrementParams } from '../src/counter-protocol';
import { IpcCounter, serveCounterShare } from '../src/ipc-counter';
import { MetricsRelay, type MetricsJson } from '../src/metrics-relay';
import { RpcEndpoint } from '../src/rpc-endpoint';
import { endpointPair, ipcPort } from './support/ipc-port';

/**
 * The cluster's protocol in one process: a "primary" endpoint holding a CounterManager and the
 * metrics aggregation, "worker" endpoints on the other ends of real MessageChannels. Message
 * passing interleaves the workers' get/set exactly as two processes' IPC does.
 */
function connect(parties: number) {
  const channels = Array.from({ length: parties }, () => new MessageChannel());
  const primarySide = channels.map((c) => new RpcEndpoint(ipcPort(c.port1)));
  const workerSide = channels.map((c) => new RpcEndpoint(ipcPort(c.port2)));
  // As the cluster primary calls its workers: a cancelled share settles once it has stopped.
  const manager = new CounterManager(() =>
    primarySide.map(
      (rpc) => (share, signal) =>
        rpc.call(RPC.counterShare, share, signal ? { signal, awaitCancelled: true } : {}),
    ),
  );
  for (const rpc of primarySide) manager.serve(rpc);
  return {
    manager,
    primarySide,
    workerSide,
    close: () => {
      [...primarySide, ...workerSide].forEach((rpc) => rpc.close());
      channels.forEach((c) => c.port1.close());
    },
  };
}

describe('the counter a manager holds for other processes', () => {
  it('is exact when every party adds atomically (safe)', async () => {
    const { manager, workerSide, close } = connect(2);
    try {
      workerSide.forEach(serveCounterShare);
      await expect(manager.increment({ times: 100_000, safe: true })).resolves.toMatchObject({
        expected: 100_000,
        actual: 100_000,
      });
      expect(manager.value).toBe(100_000);
    } finally {
      close();
    }
  });

  it('loses updates when two parties get then set (the negative control)', async () => {
    const { manager, workerSide, close } = connect(2);
    try {
      workerSide.forEach(serveCounterShare);
      const { expected, actual } = await manager.increment({ times: 100_000, safe: false });
      expect(expected).toBe(100_000);
      expect(actual).toBeGreaterThan(0);
      expect(actual).toBeLessThan(expected);
    } finally {
      close();
    }
  });

  it('fails an increment with ERR_WORKER_CRASHED when no process can take a share', async () => {
    const manager = new CounterManager(() => []);
    await expect(manager.increment({ times: 10, safe: true })).rejects.toMatchObject({
      code: 'ERR_WORKER_CRASHED',
    });
  });

  // procpool's shares can be refused at their connection (503, which invites a retry): each
  // says `ready` once it cannot be, and adds only when all have.
  it('starts the shares that ask `ready` together, once the last of them has asked', async () => {
    const events: string[] = [];
    const manager = new CounterManager(() =>
      [0, 1, 2].map((i): ShareRunner => async (_share, _signal, ready) => {
        // The last one connects a few turns of the loop after the others.
        if (i === 2) for (let turn = 0; turn < 5; turn++) await new Promise(setImmediate);
        events.push(`ready ${i}`);
        await ready?.();
        events.push(`go ${i}`);
      }),
    );
    await expect(manager.increment({ times: 3, safe: true })).resolves.toMatchObject({
      expected: 3,
      actual: 0,
    });
    expect(events.slice(0, 3).sort()).toEqual(['ready 0', 'ready 1', 'ready 2']);
    expect(events.slice(3).sort()).toEqual(['go 0', 'go 1', 'go 2']);
  });

  it('lets no share that asked `ready` start when another fails before asking', async () => {
    const events: string[] = [];
    const refused = Object.assign(new Error('busy'), { code: 'ERR_OVERLOADED' });
    const manager = new CounterManager(() => [
      async (_share, _signal, ready) => {
        events.push('ready 0');
        try {
          await ready?.();
          events.push('go 0');
        } catch (error) {
          events.push(`stopped 0: ${(error as Error).message}`);
          throw error;
        }
      },
      async () => {
        await new Promise(setImmediate); // after its sibling is waiting
        throw refused;
      },
    ]);
    await expect(manager.increment({ times: 2, safe: true })).rejects.toBe(refused);
    expect(events).toEqual(['ready 0', 'stopped 0: busy']);
  });

  it('answers an increment of 0 times at once, running no share', async () => {
    const manager = new CounterManager(() => [() => Promise.reject(new Error('a share ran'))]);
    await expect(manager.increment({ times: 0, safe: true })).resolves.toMatchObject({
      expected: 0,
      actual: 0,
    });
  });

  it('waits for its turn no longer than the signal allows', async () => {
    const { manager, workerSide, close } = connect(1);
    try {
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      workerSide[0]?.handle(RPC.counterShare, () => held);
      const first = manager.increment({ times: 1, safe: true });
      const controller = new AbortController();
      const second = manager.increment({ times: 1, safe: true }, controller.signal);
      const reason = new Error('deadline');
      controller.abort(reason);
      await expect(second).rejects.toBe(reason);
      release();
      await expect(first).resolves.toMatchObject({ expected: 1, actual: 0 });
    } finally {
      close();
    }
  });

  it('cancels the other shares when one fails, and ends the turn only once they stopped', async () => {
    const { manager, workerSide, close } = connect(2);
    try {
      const events: string[] = [];
      // Fails once its sibling is under way (the value moves): no timing assumed.
      workerSide[0]?.handle(RPC.counterShare, async () => {
        await until(() => manager.value !== 0, { what: 'the sibling share to start', everyMs: 0 });
        throw Object.assign(new Error('its process died'), { code: 'ERR_WORKER_CRASHED' });
      });
      // Adds until it is cancelled: only a cancellation ends it.
      const other = workerSide[1] as RpcEndpoint;
      other.handle(RPC.counterShare, async (_share: unknown, signal: AbortSignal) => {
        try {
          while (!signal.aborted) await other.call(RPC.counterAdd, { delta: 1 });
          throw signal.reason;
        } finally {
          events.push(`share stopped at ${manager.value}`);
        }
      });
      await expect(manager.increment({ times: 1000, safe: true })).rejects.toMatchObject({
        code: 'ERR_WORKER_CRASHED',
      });
      events.push(`rejected at ${manager.value}`);
      const stoppedAt = manager.value;
      // Stopped before the request's turn ended: the next request counts alone.
      expect(events).toEqual([`share stopped at ${stoppedAt}`, `rejected at ${stoppedAt}`]);
      workerSide.forEach(serveCounterShare); // their processes replaced
      await expect(manager.increment({ times: 10, safe: true })).resolves.toMatchObject({
        expected: stoppedAt + 10,
        actual: stoppedAt + 10,
      });
    } finally {
      close();
    }
  });

  it('stops the shares of a request its caller gave up on, over the channel', async () => {
    const { manager, primarySide, workerSide, close } = connect(2);
    try {
      workerSide.forEach(serveCounterShare);
      primarySide.forEach((rpc) => manager.serve(rpc));
      const counter = new IpcCounter(workerSide[0] as RpcEndpoint, 10_000);
      const controller = new AbortController();
      const times = 50_000_000;
      const request = counter.increment(times, true, controller.signal);
      // Abort once the shares are under way (the value moves), as a deadline does.
      await until(() => manager.value !== 0, { what: 'the shares to start', everyMs: 0 });
      const reason = new Error('deadline');
      controller.abort(reason);
      await expect(request).rejects.toBe(reason);
      // The next request's turn comes after the cancelled one's shares stopped: its own
      // before/after, and far from the cancelled request's 50,000,000.
      const next = await manager.increment({ times: 10, safe: true });
      expect(next.actual - next.expected).toBe(0);
      expect(next.actual).toBeLessThan(times / 2);
      expect(manager.value).toBe(next.actual);
    } finally {
      close();
    }
  });

  it("lets the request's deadline, not the call's own timer, end a worker's slow increment", async () => {
    // The primary does not answer: the worker's request past its deadline must be the deadline's
    // failure (504), not ERR_CLUSTER_IPC_TIMEOUT (500). The call's timer is the deadline plus
    // INCREMENT_TIMEOUT_MARGIN_MS; equal to it, the two raced.
    const { a, b, close } = endpointPair();
    try {
      b.handle(RPC.counterIncrement, () => new Promise(() => undefined));
      const requestTimeoutMs = 100;
      const deadline = new AbortController();
      const reason = new Error('deadline');
      // Late, as a loaded event loop fires it: still well inside the margin (1 s).
      const timer = setTimeout(() => deadline.abort(reason), requestTimeoutMs + 500);
      const counter = new IpcCounter(a, requestTimeoutMs);
      await expect(counter.increment(1, true, deadline.signal)).rejects.toBe(reason);
      clearTimeout(timer);
    } finally {
      close();
    }
  });
});

describe('a cluster worker runtime, in the kit', () => {
  let service: Service;
  let base: string;
  let link: ReturnType<typeof connect>;
  const primaryRegistry = createProcessRegistry('cluster');
  createRestartsCounter(primaryRegistry, 'process').inc({ kind: 'process' }, 2);

  beforeAll(async () => {
    link = connect(1);
    const [primary, worker] = [link.primarySide[0], link.workerSide[0]] as [
      RpcEndpoint,
      RpcEndpoint,
    ];
    const relay = new MetricsRelay(primaryRegistry, (error) => {
      throw error;
    });
    relay.add(1);
    primary.handle(RPC.metricsAggregate, () => relay.collect([{ id: 1, rpc: primary }]));
    // Event-loop admission off, as in service-kit's test harness: a loaded machine can delay
    // this process's loop past the 100 ms default, and the requests would rightly be shed.
    const config = { ...loadConfig(ADMISSION_OFF, { port: 0 }), port: 0 };
    const metrics = createServiceMetrics('cluster');
    service = createService({
      model: 'cluster',
      config,
      runtime: clusterWorkerRuntime(worker, new InlineRunner(), config, metrics),
      logger: pino({ level: 'silent' }),
      metrics,
    });
    base = `http://127.0.0.1:${(await service.listen()).port}`;
  });
  afterAll(async () => {
    expect(await service.shutdown()).toBe('clean');
    link.close();
  });

  it("increments, reads and resets the primary's counter over the channel", async () => {
    await fetch(`${base}/counter`, { method: 'DELETE' });
    expect(await incrementCounter(base, 3000, true)).toMatchObject({
      expected: 3000,
      actual: 3000,
    });
    expect(link.manager.value).toBe(3000);
    expect(await (await fetch(`${base}/counter`)).json()).toMatchObject({ value: 3000 });
  });

  it("answers /metrics with the primary's sum: its own series and the worker's", async () => {
    await fetch(`${base}/cpu/fib?n=10`);
    const text = await (await fetch(`${base}/metrics`)).text();
    expect(text).toMatch(/^lab_worker_restarts_total\{[^}]*kind="process"[^}]*\} 2$/m);
    expect(text).toMatch(
      /^http_server_request_duration_seconds_count\{[^}]*route="\/cpu\/fib"[^}]*\} 1$/m,
    );
  });
});

describe('a drained cluster worker runtime, and its final metrics', () => {
  let link: ReturnType<typeof connect> | undefined;
  afterEach(() => link?.close());

  /**
   * A worker's service over a channel to a "primary" whose relay has met it (id 1) and never
   * scraped it: `final` is how that primary answers its final metrics — it takes them, as
   * ClusterPrimary does, or never answers (stuck).
   */
  async function workerService(final: 'taken' | 'stuck', onFinal?: () => void) {
    link = connect(1);
    const [primary, worker] = [link.primarySide[0], link.workerSide[0]] as [
      RpcEndpoint,
      RpcEndpoint,
    ];
    const relay = new MetricsRelay(createProcessRegistry('cluster'), (error) => {
      throw error;
    });
    relay.add(1);
    primary.handle(RPC.metricsFinal, (metrics: MetricsJson) => {
      onFinal?.();
      return final === 'taken' ? relay.retireFinal(1, metrics) : new Promise(() => undefined);
    });
    const config = { ...loadConfig(ADMISSION_OFF, { port: 0 }), port: 0 };
    const metrics = createServiceMetrics('cluster');
    const service = createService({
      model: 'cluster',
      config,
      runtime: clusterWorkerRuntime(worker, new InlineRunner(), config, metrics),
      logger: pino({ level: 'silent' }),
      metrics,
    });
    const base = `http://127.0.0.1:${(await service.listen()).port}`;
    for (let i = 0; i < 3; i++) await fetch(`${base}/cpu/fib?n=5`);
    /** The model's fib count, as the primary would serve it now (no live worker to ask). */
    const fibCount = async () =>
      metricSum((await relay.collect([])).body, 'http_server_request_duration_seconds_count', {
        route: '/cpu/fib',
      });
    return { service, relay, fibCount };
  }

  it('hands them over once drained, so a worker never scraped counts in full', async () => {
    const { service, relay, fibCount } = await workerService('taken');
    expect(await service.shutdown()).toBe('clean');
    relay.retire(1); // its exit, after: nothing more
    expect(await fibCount()).toBe(3);
  });

  it("waits for a share the primary sent before it read the worker's 'leaving'", async () => {
    // The race: the primary starts a counter turn with a share here just as the worker says it
    // is leaving. Its answer to the final metrics comes after that share (one ordered channel),
    // so the share is here by then; the worker must not exit under it (its request: a 500).
    let share: Promise<unknown> | undefined;
    const { service } = await workerService('taken', () => {
      const primary = link?.primarySide[0] as RpcEndpoint;
      const times = 20_000; // many batches of counter.add: far from done when the answer lands
      share = primary.call(RPC.counterShare, { times, safe: true } satisfies IncrementParams);
    });
    expect(await service.shutdown()).toBe('clean');
    // Every add of the share was applied before the worker could exit (it exits after close).
    expect(link?.manager.value).toBe(20_000);
    await expect(share).resolves.toBeDefined();
  });

  it('negative control: a primary that never takes them costs the handover, not the exit', async () => {
    const { service, relay, fibCount } = await workerService('stuck');
    // The worker gives up after FINAL_METRICS_TIMEOUT_MS and leaves cleanly all the same…
    expect(await service.shutdown()).toBe('clean');
    relay.retire(1);
    // …and the primary falls back to its last scrape: none, so what it served is lost.
    expect(await fibCount()).toBe(0);
  });
});
