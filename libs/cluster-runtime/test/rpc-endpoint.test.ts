import { spawn } from 'node:child_process';
import { EventEmitter, getEventListeners, once } from 'node:events';
import { MessageChannel } from 'node:worker_threads';
import { RpcEndpoint } from '../src/rpc-endpoint';
import { endpointPair, ipcPort } from './support/ipc-port';

/** Resolves once `signal` has aborted (at once if it has). */
const whenAborted = async (signal: AbortSignal): Promise<void> => {
  if (!signal.aborted) await once(signal, 'abort');
};

describe('RPC over an IPC channel', () => {
  let a: RpcEndpoint;
  let b: RpcEndpoint;
  let close: () => void;
  beforeEach(() => ({ a, b, close } = endpointPair()));
  afterEach(() => close());

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

  it('cancels the call on the other side when the caller aborts or times out', async () => {
    const calls = new EventEmitter();
    b.handle('wait', (_params: unknown, signal: AbortSignal) => {
      calls.emit('call', signal);
      return new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () => reject(signal.reason as Error)),
      );
    });
    const controller = new AbortController();
    const aborted = a.call('wait', undefined, { signal: controller.signal });
    const [first] = (await once(calls, 'call')) as [AbortSignal];
    controller.abort(new Error('deadline'));
    await expect(aborted).rejects.toThrow('deadline');
    const timedOut = a.call('wait', undefined, { timeoutMs: 30 });
    const [second] = (await once(calls, 'call')) as [AbortSignal];
    await expect(timedOut).rejects.toMatchObject({ code: 'ERR_CLUSTER_IPC_TIMEOUT' });
    const signals = [first, second];
    await Promise.all(signals.map(whenAborted)); // the cancellations reached b
    expect(signals.map((s) => [s.aborted, (s.reason as { code?: string }).code])).toEqual([
      [true, 'ERR_CLUSTER_IPC_CANCELLED'],
      [true, 'ERR_CLUSTER_IPC_CANCELLED'],
    ]);
  });

  it('with awaitCancelled, settles an aborted call only once the handler has stopped', async () => {
    const events: string[] = [];
    const calls = new EventEmitter();
    b.handle('wait', (_params: unknown, signal: AbortSignal) => {
      calls.emit('call');
      return new Promise((_resolve, reject) =>
        signal.addEventListener('abort', () =>
          // The handler takes a while to wind down.
          setTimeout(() => {
            events.push('handler stopped');
            calls.emit('stopped');
            reject(signal.reason as Error);
          }, 100),
        ),
      );
    });
    for (const awaitCancelled of [true, false]) {
      events.length = 0;
      const controller = new AbortController();
      const call = a.call('wait', undefined, { signal: controller.signal, awaitCancelled });
      await once(calls, 'call');
      const stopped = once(calls, 'stopped');
      controller.abort(new Error('deadline'));
      await expect(call).rejects.toThrow('deadline'); // the caller's reason either way
      events.push('call settled');
      await stopped;
      // The negative control (false) settles at once, before the handler has stopped.
      expect([awaitCancelled, events]).toEqual([
        awaitCancelled,
        awaitCancelled ? ['handler stopped', 'call settled'] : ['call settled', 'handler stopped'],
      ]);
    }
  });

  it('leaves no abort listener on a shared signal once its calls settle: a later abort cancels nothing', async () => {
    // A caller may pass one signal (a request's) to many calls. Each call's listener must go
    // when the call settles: left behind, they pile up on the signal, and its abort sends an
    // rpc-cancel for every call long finished.
    const channel = new MessageChannel();
    const seen: { kind?: string }[] = [];
    channel.port2.on('message', (message: { kind?: string }) => seen.push(message));
    const b2 = new RpcEndpoint(ipcPort(channel.port2));
    b2.handle('echo', (x: number) => x);
    const a2 = new RpcEndpoint(ipcPort(channel.port1));
    try {
      const controller = new AbortController();
      for (let i = 0; i < 3; i++)
        await expect(a2.call('echo', i, { signal: controller.signal })).resolves.toBe(i);
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
      controller.abort(new Error('late'));
      // A probe after the abort: whatever the abort sent is ahead of it on the ordered channel.
      await expect(a2.call('echo', 9)).resolves.toBe(9);
      expect(seen.map((m) => m.kind)).toEqual(['rpc', 'rpc', 'rpc', 'rpc']);
    } finally {
      a2.close();
      b2.close();
      channel.port1.close();
    }
  });

  it('runs no handler for a call that arrives after close(), one before it (the control)', async () => {
    let ran = 0;
    b.handle('work', () => ++ran);
    await expect(a.call('work')).resolves.toBe(1); // open: the handler runs
    b.close();
    // Closed: it must not listen any more; the call goes unanswered until its timeout.
    await expect(a.call('work', undefined, { timeoutMs: 100 })).rejects.toMatchObject({
      code: 'ERR_CLUSTER_IPC_TIMEOUT',
    });
    expect(ran).toBe(1);
  });

  it('aborts the handlers it is running when its channel closes', async () => {
    const calls = new EventEmitter();
    b.handle('wait', (_params: unknown, signal: AbortSignal) => {
      calls.emit('call', signal);
      return new Promise(() => undefined);
    });
    void a.call('wait', undefined, { timeoutMs: 10_000 }).catch(() => undefined);
    const [seen] = (await once(calls, 'call')) as [AbortSignal];
    expect(seen.aborted).toBe(false);
    b.close();
    expect([seen.aborted, (seen.reason as { code?: string }).code]).toEqual([
      true,
      'ERR_WORKER_CRASHED',
    ]);
  });

  it('fails pending calls when the channel closes', async () => {
    b.handle('never', () => new Promise(() => undefined));
    const pending = a.call('never', undefined, { timeoutMs: 10_000 });
    a.close();
    await expect(pending).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
  });

  it('fails a call made after close() at once, not at its timeout (an orphaned worker)', async () => {
    b.handle('answer', () => 42);
    a.close();
    const started = performance.now();
    await expect(a.call('answer', undefined, { timeoutMs: 10_000 })).rejects.toMatchObject({
      code: 'ERR_WORKER_CRASHED',
    });
    // Sent nothing, waited for nothing: the mutant without the check timed out at 10 s.
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('turns a send on a closed channel into no error event (a real child process)', async () => {
    // Node's ChildProcess#send, like a cluster Worker's: on a closed channel, without a
    // callback, it emits 'error' on the next tick — an uncaught exception if nobody listens.
    const child = spawn(
      process.execPath,
      ['-e', "process.on('disconnect', () => process.exit(0))"],
      {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      },
    );
    const errors: unknown[] = [];
    child.on('error', (error) => errors.push(error));
    const exited = once(child, 'exit');
    const rpc = new RpcEndpoint(child);
    child.disconnect();
    // The call, then its cancellation at the timeout: two sends on the closed channel.
    await expect(rpc.call('anything', undefined, { timeoutMs: 50 })).rejects.toMatchObject({
      code: 'ERR_CLUSTER_IPC_TIMEOUT',
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(errors).toEqual([]);
    rpc.close();
    await exited;
  });
});
