import { MessageChannel } from 'node:worker_threads';
import { Registry, Counter } from 'prom-client';
import { aggregateMetrics } from '../src/metrics-relay';
import { RpcEndpoint } from '../src/rpc-endpoint';
import { ipcPort } from './support/ipc-port';

describe('RPC over an IPC channel', () => {
  let channel: MessageChannel;
  let a: RpcEndpoint;
  let b: RpcEndpoint;
  beforeEach(() => {
    channel = new MessageChannel();
    a = new RpcEndpoint(ipcPort(channel.port1));
    b = new RpcEndpoint(ipcPort(channel.port2));
  });
  afterEach(() => {
    a.close();
    b.close();
    channel.port1.close();
  });

  it('answers a call with the handler value', async () => {
    b.handle('add', ({ x, y }: { x: number; y: number }) => x + y);
    await expect(a.call('add', { x: 2, y: 3 })).resolves.toBe(5);
  });

  it('carries an error code across', async () => {
    b.handle('fail', () => {
      throw Object.assign(new Error('nope'), { code: 'ERR_WORKER_CRASHED' });
    });
    await expect(a.call('fail')).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
    await expect(a.call('missing')).rejects.toMatchObject({ code: 'ERR_CLUSTER_IPC_NO_METHOD' });
  });

  it('times out a call nobody answers, and honours an abort', async () => {
    b.handle('never', () => new Promise(() => undefined));
    await expect(a.call('never', undefined, { timeoutMs: 30 })).rejects.toMatchObject({
      code: 'ERR_CLUSTER_IPC_TIMEOUT',
    });
    const controller = new AbortController();
    const pending = a.call('never', undefined, { signal: controller.signal, timeoutMs: 10_000 });
    controller.abort(new Error('deadline'));
    await expect(pending).rejects.toThrow('deadline');
  });

  it('fails pending calls when the channel closes', async () => {
    b.handle('never', () => new Promise(() => undefined));
    const pending = a.call('never', undefined, { timeoutMs: 10_000 });
    a.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
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
});
