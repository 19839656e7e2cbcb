import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server } from 'node:net';
import { allSay, Peer } from '../src/peer';

// Real threads and processes from dist/workers/ (`nx test` builds first): the demos' own
// entries, driven into the cases each demo counts on Peer for — a worker that reports its
// failure, one that says nothing, one that says something else.

const listening = (server: Server) =>
  new Promise<number>((resolve) =>
    server.listen(0, '127.0.0.1', () => resolve((server.address() as { port: number }).port)),
  );
const closing = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

/** What `promise` settles to within `ms`, or 'still waiting': a failing test, not a hanging one. */
async function within<T>(promise: Promise<T>, ms: number): Promise<T | Error | 'still waiting'> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<'still waiting'>((resolve) => {
    timer = setTimeout(() => resolve('still waiting'), ms);
  });
  try {
    return await Promise.race([promise.catch((error: unknown) => error as Error), late]);
  } finally {
    clearTimeout(timer);
  }
}

describe('Peer', () => {
  it('rejects next() with ERR_DEMO_WORKER_FAILED when the worker posts {failed}, and stays up', async () => {
    // A port nothing listens on: the system gave it to a server, which closed again.
    const server = createServer();
    const port = await listening(server);
    await closing(server);
    const pinger = Peer.thread('pinger', { url: `http://127.0.0.1:${port}/`, intervalMs: 10 });
    try {
      await allSay([pinger], 'ready');
      pinger.send('start'); // its first ping is refused: it posts { failed } instead of a report
      await expect(pinger.next()).rejects.toMatchObject({
        code: 'ERR_DEMO_WORKER_FAILED',
        message: expect.stringMatching(
          new RegExp(`^thread ${pinger.id} failed: Error: connect ECONNREFUSED`),
        ),
      });
      // The thread is still running: the rejection came from its message, not from its exit.
      expect(await pinger.exitWithin(50)).toBeUndefined();
    } finally {
      await pinger.close();
    }
  });

  it('gives a worker’s report as it came (the control: a pinger with a server to ping)', async () => {
    const server = createHttpServer((_req, res) => res.end('pong'));
    const port = await listening(server);
    const pinger = Peer.thread('pinger', { url: `http://127.0.0.1:${port}/`, intervalMs: 10 });
    try {
      await allSay([pinger], 'ready');
      pinger.send('start');
      await new Promise((resolve) => setTimeout(resolve, 50));
      pinger.send('stop');
      const latencies = await pinger.next<number[]>();
      expect(latencies.length).toBeGreaterThan(0);
      for (const ms of latencies) expect(ms).toBeGreaterThan(0);
    } finally {
      await pinger.close();
      await closing(server);
    }
  });

  it('rejects next(timeoutMs) with ERR_DEMO_STEP_TIMEOUT when the peer stays silent that long', async () => {
    // The buffer echo says 'ready', then nothing until it is sent a buffer.
    const echo = Peer.thread('buffer-echo');
    try {
      await allSay([echo], 'ready');
      const start = performance.now();
      const outcome = await within(echo.next(100), 5000);
      expect(outcome).toMatchObject({
        code: 'ERR_DEMO_STEP_TIMEOUT',
        message: `thread ${echo.id} sent nothing within 100 ms`,
      });
      // Not before its time, give or take the clocks: the deadline is on Date.now() (whole ms),
      // and a timer may fire a little early by performance.now() (nodejs/node#26578).
      expect(performance.now() - start).toBeGreaterThanOrEqual(95);
      // The control: sent a buffer, the same peer answers within the bound.
      echo.send({ way: 'copy', data: new Uint8Array([7]) });
      expect(await within(echo.next(5000), 6000)).toMatchObject({
        way: 'copy',
        data: new Uint8Array([8]),
      });
    } finally {
      await echo.close();
    }
  });

  it('allSay rejects with ERR_DEMO_WORKER_FAILED naming a peer that said another word', async () => {
    const echo = Peer.thread('buffer-echo');
    // The pipe demo's responder process says which port it listens on, not 'ready'.
    const responder = Peer.process('pipe-process', ['respond']);
    try {
      await expect(allSay([echo], 'go')).rejects.toMatchObject({
        code: 'ERR_DEMO_WORKER_FAILED',
        message: `thread ${echo.id} said "ready", expected go`,
      });
      await expect(allSay([responder], 'ready')).rejects.toMatchObject({
        code: 'ERR_DEMO_WORKER_FAILED',
        message: expect.stringMatching(
          new RegExp(`^process ${responder.id} said \\{"port":\\d+\\}, expected ready$`),
        ),
      });
    } finally {
      await Promise.all([echo.close(), responder.close()]);
    }
  });

  it('allSay resolves once every peer said the word (the control)', async () => {
    const peers = [Peer.thread('buffer-echo'), Peer.thread('buffer-echo')];
    try {
      await expect(allSay(peers, 'ready')).resolves.toBeUndefined();
    } finally {
      await Promise.all(peers.map((p) => p.close()));
    }
  });
});
