import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { Agent, createServer, request, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { IDLE_GRACE_MS, IDLE_SWEEP_MS, KeepAliveDrain } from '../src/keep-alive-drain';
import { timersSetBy, until } from '@concurrency-lab/launcher/testing';
import { serviceFixture } from './support/harness';

/**
 * `connections` keep-alive clients, each sending its next request as soon as the last one is
 * answered (CPU work, so the service's loop is busy), until `stop()`: what a drain must not
 * break. Counts answers and failures (a reset on a connection `server` accepted: a request lost).
 */
function busyClients(server: Server, base: string, connections: number) {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const counts = { answered: 0, failed: [] as string[] };
  // The client port of every connection the server accepted. A failure on any other is one
  // still in the kernel's backlog when the listener closed: reset then, or refused after —
  // never accepted, so no request of it was lost. On a machine this busy that the service had
  // accepted 3 of the 16 after 300 ms, 12 were reset so.
  const accepted = new Set<number>();
  server.on('connection', (socket: Socket) => accepted.add(socket.remotePort ?? -1));
  let running = true;
  const one = () =>
    new Promise<void>((resolve) => {
      let port: number | undefined;
      const req = request(`${base}/cpu/fib?n=18`, { agent }, (res) => {
        res.resume();
        res.on('end', () => {
          counts.answered++;
          resolve();
        });
      });
      req.on('socket', (socket: Socket) => {
        port = socket.localPort;
        socket.once('connect', () => (port = socket.localPort));
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (port !== undefined && accepted.has(port)) {
          counts.failed.push(error.code ?? error.message);
        }
        running = false;
        resolve();
      });
      req.end();
    });
  const loops = Array.from({ length: connections }, async () => {
    while (running) await one();
  });
  return {
    counts,
    stop: async () => {
      running = false;
      await Promise.all(loops);
      agent.destroy();
    },
  };
}

describe('draining keep-alive connections', () => {
  const services = serviceFixture();

  it('loses no request of busy keep-alive clients: each connection closes after an answer', async () => {
    const started = await services.start();
    const clients = busyClients(started.service.server, started.base, 16);
    // Busy first: more answers than connections, so connections are being reused.
    await until(() => clients.counts.answered > 16, { what: 'more answers than connections' });
    await expect(started.service.shutdown()).resolves.toBe('clean');
    await clients.stop();
    expect(clients.counts.failed).toEqual([]);
  });

  // A keep-alive client that thinks between requests: its connection is idle when the drain
  // starts, and its next request comes well within the grace. Without the grace it would be cut
  // at the drain's first sweep and the request lost (the busy clients above never go idle).
  it('answers a keep-alive client pausing 20 ms between requests: 200 with Connection: close', async () => {
    const pauseMs = 20;
    expect(pauseMs).toBeLessThan(IDLE_GRACE_MS / 2);
    const { port, service } = await services.start();
    const socket = connect(port, '127.0.0.1');
    socket.setEncoding('latin1');
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    socket.on('error', () => undefined); // closed by the service after its last answer
    const closed = once(socket, 'close');
    const ask = 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n';
    socket.write(ask);
    await until(() => /\r\n\r\n[^]*\}$/.test(received), { what: 'the first answer' });
    expect(received).toMatch(/^HTTP\/1\.1 200 [^]*\r\nConnection: keep-alive\r\n/i);
    received = '';
    const down = service.shutdown();
    await sleep(pauseMs);
    socket.write(ask);
    await closed;
    expect(received).toMatch(/^HTTP\/1\.1 200 /);
    expect(received).toMatch(/\r\nConnection: close\r\n/i);
    await expect(down).resolves.toBe('clean');
  });

  it('negative control: http.Server#close (Node ≥ 19 cuts every idle connection) loses requests already sent', async () => {
    const started = await services.start();
    const clients = busyClients(started.service.server, started.base, 16);
    await until(() => clients.counts.answered > 16, { what: 'more answers than connections' });
    started.service.server.close();
    await clients.stop();
    expect(clients.counts.failed.length).toBeGreaterThan(0);
    expect(new Set(clients.counts.failed)).toEqual(new Set(['ECONNRESET']));
  });
});

/**
 * A bare server with a KeepAliveDrain: `/a` is answered `a` and `/b` `b`, keep-alive. Once the
 * answer to `/a` is out, `onAnswered` runs in the same callback (the loop busy as long as it
 * takes).
 */
async function drainServer(onAnswered: (drain: KeepAliveDrain) => void) {
  const server: Server = createServer((req, res) => {
    if (req.url === '/a') res.once('close', () => onAnswered(drain));
    res.end(req.url === '/a' ? 'a' : 'b');
  });
  // No keep-alive timeout: Node's own would close an idle connection after 5 s, drain or not.
  server.keepAliveTimeout = 0;
  const drain = new KeepAliveDrain(server);
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return {
    port: (server.address() as AddressInfo).port,
    close: async () => {
      drain.stop();
      server.closeAllConnections();
      server.close();
      await once(server, 'close');
    },
  };
}

describe('KeepAliveDrain', () => {
  it('answers a request that arrived while the loop was busy past the grace: no cut', async () => {
    // The client on its own thread raises `flag` once its next request is in the kernel; the
    // loop stays busy until then and past the grace, so the sweep's first look finds the
    // connection idle for longer than the grace with that request unread in its socket.
    const flag = new SharedArrayBuffer(4);
    const signal = new Int32Array(flag);
    let sentWhileBusy = false;
    const served = await drainServer((drain) => {
      const answeredAt = performance.now();
      drain.start();
      const busy = () =>
        Atomics.load(signal, 0) === 0 || performance.now() - answeredAt < 2 * IDLE_GRACE_MS;
      while (busy() && performance.now() - answeredAt < 10_000) Atomics.wait(signal, 0, 0, 5);
      sentWhileBusy = Atomics.load(signal, 0) === 1;
    });
    const client = new Worker(require.resolve('./fixtures/keep-alive-client.cjs'), {
      workerData: { port: served.port, flag },
    });
    try {
      const [outcome] = (await once(client, 'message')) as [string];
      expect(sentWhileBusy).toBe(true);
      expect(outcome).toBe('answered');
    } finally {
      await client.terminate();
      await served.close();
    }
  });

  it('negative control: a connection that stays idle is cut once the drain starts', async () => {
    const served = await drainServer((drain) => drain.start());
    const socket = connect(served.port, '127.0.0.1');
    socket.setEncoding('latin1');
    let received = '';
    socket.on('data', (chunk: string) => (received += chunk));
    socket.write('GET /a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n');
    try {
      await once(socket, 'close');
      expect(received).toMatch(/\r\n\r\na$/);
    } finally {
      socket.destroy();
      await served.close();
    }
  });
});

describe('KeepAliveDrain#stop', () => {
  it('leaves no sweep timer behind (control: one is pending while it runs)', async () => {
    const drain = new KeepAliveDrain(createServer());
    // The drain's own timers: each sweep's is set by the one before.
    using sweeping = timersSetBy(() => drain.start());
    try {
      // Control: the sweep holds a timer pending, and keeps one across sweeps.
      expect(await sweeping.pending()).toBe(1);
      await sleep(IDLE_SWEEP_MS * 3);
      expect(await sweeping.pending()).toBe(1);
    } finally {
      drain.stop();
    }
    // A timer left would keep sweeping, and keep the process alive after shutdown.
    expect(await sweeping.pending()).toBe(0);
  });
});
