import { afterEach, describe, expect, it } from '@jest/globals';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { close, closedUrl, listen, timersSetBy, until } from '@concurrency-lab/launcher/testing';
import autocannon from 'autocannon';
import { Load, type LoadOptions } from '../src/load/load-generator';

let server: Server | undefined;

async function serve(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
): Promise<string> {
  server = createServer(handler);
  return listen(server);
}

/**
 * A server that ends the connection (FIN) of every third request unanswered, as when the
 * process holding it is killed; it counts what it received and dropped.
 */
async function droppingServer(): Promise<{
  base: string;
  counts: { received: number; dropped: number };
}> {
  const counts = { received: 0, dropped: 0 };
  const base = await serve((req, res) => {
    counts.received++;
    if (counts.received % 3 === 0) {
      counts.dropped++;
      req.socket.end();
      return;
    }
    res.end('ok');
  });
  return { base, counts };
}

/**
 * A load on `/x` of a server that never answers, as a stuck service; `counts.received` is how
 * many of its requests reached the server.
 */
async function loadOnSilentServer(
  options: Omit<LoadOptions, 'base' | 'path'>,
): Promise<{ load: Load; counts: { received: number } }> {
  const counts = { received: 0 };
  const base = await serve(() => void counts.received++);
  return { load: new Load({ base, path: '/x', ...options }), counts };
}

afterEach(async () => {
  const running = server;
  server = undefined;
  if (running) await close(running);
});

describe('Load', () => {
  it('accounts for every request of a closed loop: sent = answered, with status, latency and pid', async () => {
    let received = 0;
    const base = await serve((_req, res) => {
      received++;
      res.writeHead(received % 5 === 0 ? 503 : 200, {
        'x-pid': '4242',
        ...(received % 5 === 0 ? { 'retry-after': '1' } : {}),
      });
      res.end('{}');
    });
    const load = new Load({ base, path: '/x', connections: 4, timeoutMs: 5000 });
    await until(() => load.stats.completed >= 200, { what: '200 answers' });
    await load.stop();
    expect(load.stats.sent).toBe(received);
    expect(load.stats.completed).toBe(received);
    expect(load.stats.accepted + load.stats.refused).toBe(received);
    expect(load.stats.refused).toBe(Math.floor(received / 5));
    expect(load.stats.refusalsWithoutRetryAfter).toBe(0);
    expect(load.stats.acceptedPercentileMs(99)).toBeGreaterThan(0);
    expect(load.inFlight).toBe(0);
  });

  it('counts a request whose connection closes without an answer as lost (where autocannon retries silently)', async () => {
    const { base, counts } = await droppingServer();
    const load = new Load({ base, path: '/x', connections: 2, timeoutMs: 5000 });
    await until(() => load.stats.completed >= 60, { what: '60 answers' });
    await load.stop();
    expect(load.stats.sent).toBe(counts.received);
    expect(load.stats.unanswered).toBe(counts.dropped);
    expect(load.stats.lostExcept([200])).toBe(counts.dropped);
    expect([...load.stats.errors.keys()]).toEqual(['ECONNRESET']);
  });

  it('is needed: autocannon counts none of those lost requests (its client reconnects and carries on)', async () => {
    const { base, counts } = await droppingServer();
    const result = await autocannon({ url: `${base}/x`, connections: 2, duration: 1 });
    expect(counts.dropped).toBeGreaterThan(10);
    expect(result.errors + result.timeouts + result.non2xx).toBe(0);
  });

  it('keeps open-loop arrivals going past a stuck server, capped at maxInFlight, then times them out', async () => {
    const { load } = await loadOnSilentServer({
      rate: 2000,
      maxInFlight: 5,
      durationMs: 300,
      timeoutMs: 200,
    });
    await until(() => load.inFlight === 5, { what: '5 in flight' });
    await load.done;
    expect(load.skipped).toBeGreaterThan(0);
    expect(load.stats.sent).toBeGreaterThanOrEqual(5);
    expect(load.stats.errors.get('CLIENT_TIMEOUT')).toBe(load.stats.sent);
  });

  it('counts each request and each skipped arrival in the phase that sent or skipped it', async () => {
    // Answers wait for `release` until `open`: the first phase's requests are all still in
    // flight when it ends, and end in the second.
    const held: ServerResponse[] = [];
    let open = false;
    const base = await serve((_req, res) => (open ? res.end('ok') : held.push(res)));
    const release = () => held.splice(0).forEach((res) => res.end('ok'));
    const load = new Load({ base, path: '/x', rate: 2000, maxInFlight: 4, timeoutMs: 5000 });
    await until(() => load.stats.skipped > 0 && held.length === 4, { what: 'a full first phase' });
    const first = load.phase(1000);
    const skippedFirst = first.skipped;
    release();
    await until(() => held.length === 4 && load.stats.skipped > 0, { what: 'a full second phase' });
    const second = load.stats;
    open = true;
    release();
    await load.stop();
    expect(first.sent).toBe(4);
    expect(first.count(200)).toBe(4); // answered in the second phase, counted where sent
    expect(first.skipped).toBe(skippedFirst);
    expect(second.sent).toBeGreaterThanOrEqual(4);
    expect(second.count(200)).toBe(second.sent);
    expect(first.skipped + second.skipped).toBe(load.skipped);
  });

  it('times a request out from its send, also while its answer trickles in a byte at a time', async () => {
    // A stuck stream: the head at once, then a byte of body every 30 ms for 0.6 s — each byte
    // well within the 200 ms timeout, the whole answer far past it.
    const base = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      let bytes = 0;
      const drip = setInterval(() => {
        if (++bytes < 20) res.write(' ');
        else res.end('{}');
      }, 30);
      res.on('close', () => clearInterval(drip));
    });
    const load = new Load({ base, path: '/x', connections: 1, durationMs: 50, timeoutMs: 200 });
    await load.done;
    expect(load.stats.sent).toBe(1);
    expect(load.stats.summary()).toBe('CLIENT_TIMEOUT: 1');
    // Negative control: a timeout past the whole answer lets it arrive.
    const patient = new Load({
      base,
      path: '/x',
      connections: 1,
      durationMs: 50,
      timeoutMs: 10_000,
    });
    await patient.done;
    expect(patient.stats.summary()).toBe('200: 1');
  });

  it('attributes requests in flight to the process that answered last on their connection', async () => {
    let connections = 0;
    const base = await serve((req, res) => {
      const socket = req.socket as typeof req.socket & { pid?: string };
      socket.pid ??= ++connections % 2 ? '111' : '222';
      if (req.url === '/hold') return; // stays in flight
      res.writeHead(200, { 'x-pid': socket.pid }).end('{}');
    });
    let sent = 0;
    const load = new Load({
      base,
      path: () => (++sent <= 4 ? '/first' : '/hold'),
      connections: 4,
      timeoutMs: 5000,
    });
    await until(() => load.stats.completed === 4 && load.inFlight === 4, {
      what: '4 answered and 4 in flight',
    });
    expect(load.inFlightOn(111)).toBe(2);
    expect(load.inFlightOn(222)).toBe(2);
    expect(load.inFlightOn(333)).toBe(0);
    server?.closeAllConnections();
    await load.stop();
  });

  it('counts in flight on answered connections only the requests sent where an answer came before', async () => {
    const answered = new WeakSet<object>();
    let neverReceived = 0;
    const base = await serve((req, res) => {
      // Each connection: its first request answered, then held; none at all on /never.
      if (req.url === '/never') neverReceived++;
      if (req.url === '/never' || answered.has(req.socket)) return;
      answered.add(req.socket);
      res.writeHead(200).end('{}');
    });
    const held = new Load({ base, path: '/x', connections: 4, timeoutMs: 5000 });
    await until(() => held.stats.completed === 4 && held.inFlight === 4, {
      what: '4 answered and 4 in flight',
    });
    expect(held.inFlightOnAnsweredConnections).toBe(4);
    // Negative control: in flight, but on connections nothing has answered yet.
    const never = new Load({ base, path: '/never', connections: 3, timeoutMs: 5000 });
    // (received, so that the connections exist when they are closed below)
    await until(() => never.inFlight === 3 && neverReceived === 3, { what: '3 in flight' });
    expect(never.inFlightOnAnsweredConnections).toBe(0);
    // Halt both first: a closed loop sends again after an error, and that one would be held.
    const stopped = Promise.all([held.stop(), never.stop()]);
    server?.closeAllConnections();
    await stopped;
  });

  it('counts its open connections as the server does: an open loop keeps those a stall made it open', async () => {
    let held: ServerResponse[] | undefined;
    const base = await serve((_req, res) => {
      if (held) held.push(res);
      else res.end('ok');
    });
    const serverConnections = () =>
      new Promise<number>((resolve, reject) =>
        server?.getConnections((error, n) => (error ? reject(error) : resolve(n))),
      );
    // The two counts agree once both loops have caught up: read at one instant, the server may
    // not have seen yet the sockets the client just opened or closed (on a loaded machine it
    // counted 107 where the client had closed all but 8).
    const agreed = async (what: string) => {
      let seen = { client: -1, server: -2 };
      await until(
        async () => {
          seen = { client: load.openConnections, server: await serverConnections() };
          return seen.client === seen.server;
        },
        { what, detail: () => `the client counts ${seen.client}, the server ${seen.server}` },
      );
      return seen.client;
    };
    const load = new Load({ base, path: '/x', rate: 200, timeoutMs: 5000 });
    try {
      await until(() => load.stats.completed >= 40, { what: '40 answers' });
      const before = await agreed('the counts to agree before the stall');
      // A stall of 150 ms: some 30 arrivals outstanding, each on a connection of its own.
      held = [];
      await new Promise((resolve) => setTimeout(resolve, 150));
      const stalled = held;
      held = undefined;
      for (const res of stalled) res.end('ok');
      const completed = load.stats.completed;
      await until(() => load.stats.completed >= completed + 60, { what: '60 answers more' });
      // Control: the stall left the pool larger, and the server holds a socket for each.
      expect(await agreed('the counts to agree after the stall')).toBeGreaterThanOrEqual(
        before + 15,
      );
    } finally {
      await load.stop();
    }
    expect(load.openConnections).toBe(0);
  });

  it('counts a fresh connection per request while its request is outstanding', async () => {
    const { load } = await loadOnSilentServer({
      connections: 3,
      freshConnections: true,
      timeoutMs: 5000,
    });
    await until(() => load.inFlight === 3 && load.openConnections === 3, {
      what: '3 connections open',
    });
    server?.closeAllConnections();
    await load.stop();
  });

  it('destroys the connection of a request it timed out, so the next request reaches the server', async () => {
    // One connection, 100 ms deadlines, 450 ms: four requests. Were a timed-out request's
    // connection kept, the next would wait behind it in the pool and never be sent.
    const { load, counts } = await loadOnSilentServer({
      connections: 1,
      durationMs: 450,
      timeoutMs: 100,
    });
    await load.done;
    expect(load.stats.sent).toBeGreaterThanOrEqual(3);
    expect(load.stats.errors.get('CLIENT_TIMEOUT')).toBe(load.stats.sent);
    expect(counts.received).toBe(load.stats.sent);
    server?.closeAllConnections();
  });

  it('leaves no deadline timer behind once its requests are answered', async () => {
    const base = await serve((_req, res) => res.end('{}'));
    // Deadlines of a minute: each left armed would hold the process up to a minute. The load's
    // own timers of that delay only: its sockets' and the server's come and go, and a timer of
    // another test's ending meanwhile moved a count of the process's.
    using running = timersSetBy(
      () => new Load({ base, path: '/x', connections: 2, durationMs: 300, timeoutMs: 60_000 }),
      { ms: 60_000 },
    );
    const load = running.result;
    // The control: a request on its way has its deadline.
    await until(async () => (await running.pending()) > 0, {
      what: 'a deadline while requests are in flight',
      everyMs: 0,
    });
    await load.done;
    expect(load.stats.count(200)).toBeGreaterThan(30);
    expect(await running.pending()).toBe(0);
  });

  it('sends a new phase its own rate from the phase change on', async () => {
    const base = await serve((_req, res) => res.end('{}'));
    const load = new Load({ base, path: '/x', rate: 200, timeoutMs: 5000 });
    await new Promise((resolve) => setTimeout(resolve, 500));
    const first = load.phase(200);
    const changed = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const elapsedS = (performance.now() - changed) / 1000;
    await load.stop();
    expect(first.sent).toBeGreaterThanOrEqual(50); // ~100 in 0.5 s
    // ~60 in 0.3 s, shorter than the first phase: its arrivals count again from the phase
    // change, not on from the first phase's ~100 (which would send none before 0.5 s).
    expect(load.stats.sent).toBeGreaterThanOrEqual(30);
    expect(load.stats.sent).toBeLessThanOrEqual(Math.floor(200 * elapsedS) + 1);
  });

  it('sends an open loop’s first arrival a whole interval after its start, not at once', async () => {
    const base = await serve((_req, res) => res.end('{}'));
    // 2 arrivals per second for 700 ms: one at 500 ms, not a second at the start. The end sits
    // 300 ms before the next arrival, so a loaded machine's late timers cannot add one.
    const load = new Load({ base, path: '/x', rate: 2, durationMs: 700, timeoutMs: 5000 });
    await load.done;
    expect(load.stats.sent).toBe(1);
  });

  it('leaves the warm-up requests out of the figures', async () => {
    const paths: string[] = [];
    const base = await serve((req, res) => {
      paths.push(req.url ?? '');
      res.end('{}');
    });
    const load = new Load({
      base,
      path: '/x',
      connections: 1,
      durationMs: 100,
      timeoutMs: 5000,
      warm: { connections: 3, path: '/healthz' },
    });
    await load.done;
    expect(paths.filter((p) => p === '/healthz')).toHaveLength(3);
    const work = paths.filter((p) => p === '/x').length;
    expect(work).toBeGreaterThan(0);
    expect(load.stats.sent).toBe(work);
    expect(load.stats.completed).toBe(work);
  });

  it('counts requests on connections no process has answered yet as in flight on any pid', async () => {
    const { load, counts } = await loadOnSilentServer({ connections: 2, timeoutMs: 5000 });
    await until(() => counts.received === 2, { what: '2 requests received' });
    // They may be any process's: a kill of 4242 can lose them.
    expect(load.inFlightOn(4242)).toBe(2);
    const stopped = load.stop();
    server?.closeAllConnections();
    await stopped;
  });

  it('backs off after a refused connection rather than spin (a closed loop)', async () => {
    const base = await closedUrl();
    // 10 ms between tries on one connection for 200 ms: some 20 refusals, not hundreds.
    const load = new Load({ base, path: '/x', connections: 1, durationMs: 200, timeoutMs: 5000 });
    await load.done;
    expect(load.stats.sent).toBeGreaterThan(0);
    expect(load.stats.errors.get('ECONNREFUSED')).toBe(load.stats.sent);
    expect(load.stats.sent).toBeLessThanOrEqual(25);
  });

  it('takes the answering process from X-Pid before a pid in the body', async () => {
    const base = await serve((_req, res) =>
      res.writeHead(200, { 'x-pid': '111' }).end('{"pid":222}'),
    );
    const pids: Array<number | undefined> = [];
    const load = new Load({ base, path: '/x', connections: 1, durationMs: 50, timeoutMs: 5000 });
    load.onOutcome((outcome) => {
      if (outcome.kind === 'answer') pids.push(outcome.pid);
    });
    await load.done;
    expect(pids.length).toBeGreaterThan(0);
    expect(new Set(pids)).toEqual(new Set([111]));
  });

  it('refuses to be both a closed and an open loop', () => {
    expect(
      () =>
        new Load({ base: 'http://127.0.0.1:1', path: '/', connections: 1, rate: 1, timeoutMs: 1 }),
    ).toThrow('Expected exactly one of `connections` (closed loop) and `rate` (open loop)');
  });
});
