import { MessageChannel } from 'node:worker_threads';
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
