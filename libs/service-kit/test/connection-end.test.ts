import { expectProblem } from '@concurrency-lab/contract-testing';
import { metricSum } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { describe, expect, it } from '@jest/globals';
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LINGER_MS } from '../src/lingering-close';
import { requestCount, serviceFixture, testConfig } from './support/harness';

/** What came back on one raw connection, and whether the server closed it. */
interface Talk {
  raw: string;
  /** The status lines received, in order (interim answers included). */
  statuses: number[];
  /** The head of the first answer, lower-cased names. */
  headers: Record<string, string>;
  closedByServer: boolean;
}

/** For a connection the test expects kept: how many answers to wait for, then how long. */
interface KeptOpen {
  answers: number;
  /**
   * Quiet after the last byte of those answers: a server that closes after its answer ends the
   * socket as the answer finishes (a close planted 50 ms after it is seen: the window from the
   * connect was 500 ms, most of it spent before the answer had even come).
   * @default 150
   */
  graceMs?: number;
}

const statusesOf = (raw: string) =>
  [...raw.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((m) => Number(m[1]));

/**
 * Writes `bytes` on a new connection and waits up to `waitMs` for the server to close it; a
 * connection still open then is closed here (`closedByServer: false`), so a server that keeps it
 * fails the test's assertion instead of jest's timeout. With `keptOpen`, the wait ends sooner:
 * `graceMs` after the server last wrote, once `answers` answers have come.
 */
function talk(port: number, bytes: string, waitMs = 4000, keptOpen?: KeptOpen): Promise<Talk> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let closedByServer = true;
    const leave = () => {
      closedByServer = false;
      socket.destroy();
    };
    let quiet: NodeJS.Timeout | undefined;
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (keptOpen === undefined) return;
      clearTimeout(quiet);
      if (statusesOf(Buffer.concat(chunks).toString('latin1')).length >= keptOpen.answers)
        quiet = setTimeout(leave, keptOpen.graceMs ?? 150);
    });
    socket.on('error', () => undefined); // a reset after the answer: the close still comes
    const giveUp = setTimeout(leave, waitMs);
    socket.once('close', () => {
      clearTimeout(giveUp);
      clearTimeout(quiet);
      const raw = Buffer.concat(chunks).toString('latin1');
      const statuses = statusesOf(raw);
      const head = raw.slice(0, raw.indexOf('\r\n\r\n')).split('\r\n').slice(1);
      const headers = Object.fromEntries(
        head.map((line) => {
          const colon = line.indexOf(':');
          return [line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()];
        }),
      );
      resolve({ raw, statuses, headers, closedByServer });
    });
    socket.once('connect', () => socket.write(bytes, 'latin1'));
  });
}

const metricsOf = async (base: string) => (await fetch(`${base}/metrics`)).text();

describe('a client that leaves before its answer', () => {
  const services = serviceFixture();

  it('is recorded as 499, not as the 200 it never got; an answered request as 200 (control)', async () => {
    const { port, base } = await services.start();
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.write('GET /io/sleep?ms=2000 HTTP/1.1\r\nHost: t\r\n\r\n');
    await sleep(150);
    socket.destroy();
    const sleepRoute = { method: 'GET', route: '/io/sleep' };
    await until(
      async () => requestCount(await metricsOf(base), { ...sleepRoute, status_code: '499' }) === 1,
      { what: 'the abandoned request to be recorded as 499' },
    );
    expect(requestCount(await metricsOf(base), { ...sleepRoute, status_code: '200' })).toBe(0);
    // Negative control: a request that is answered is recorded with its status.
    const answered = await fetch(`${base}/io/sleep?ms=1`);
    await answered.text();
    expect(answered.status).toBe(200);
    expect(requestCount(await metricsOf(base), { ...sleepRoute, status_code: '200' })).toBe(1);
  });
});

describe('a body sent to a route that reads none', () => {
  const services = serviceFixture();
  const increment = 'POST /counter/increment?times=1&safe=true HTTP/1.1\r\nHost: t\r\n';

  it('is not read: the answer closes the connection (Node would read and discard 200 MiB)', async () => {
    const { port, base } = await services.start();
    const result = await talk(
      port,
      `${increment}Content-Length: ${200 * 1024 * 1024}\r\n\r\n${'x'.repeat(64 * 1024)}`,
    );
    expect(result.statuses).toEqual([200]);
    expect(result.headers['connection']).toBe('close');
    expect(result.closedByServer).toBe(true);
    // The request itself was served.
    const counter = (await (await fetch(`${base}/counter`)).json()) as { value: number };
    expect(counter.value).toBe(1);
  });

  it('gets one answer, not a 408 after it when the body never comes', async () => {
    const { port } = await services.start({
      config: { http: { ...testConfig().http, headersTimeoutMs: 1000, requestTimeoutMs: 1500 } },
    });
    const result = await talk(
      port,
      'GET /healthz HTTP/1.1\r\nHost: t\r\nContent-Length: 100\r\n\r\n',
    );
    expect(result.statuses).toEqual([200]);
    expect(result.closedByServer).toBe(true);
  });

  it('negative control: a request without a body keeps its connection', async () => {
    const { port } = await services.start();
    const result = await talk(port, 'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n', 4000, {
      answers: 1,
    });
    expect(result.statuses).toEqual([200]);
    expect(result.headers['connection']).toBe('keep-alive');
    expect(result.closedByServer).toBe(false);
  });
});

describe('a request declaring an empty body (`Content-Length: 0`)', () => {
  const services = serviceFixture();

  // Every fetch POST without a body sends `Content-Length: 0`: it has no body still to come, so
  // a refusal answered at once keeps the connection, as for a GET (counted as a body, it would
  // close it, and such a client would lose keep-alive on every refused request).
  it.each([
    ['405 for a method the route does not have', 'POST /cpu/fib?n=5', 405],
    ['400 for a bad parameter', 'POST /counter/increment?times=x&safe=true', 400],
  ])(
    'refused at once (%s) keeps its connection: the next request on it is answered',
    async (_, line, status) => {
      const { port } = await services.start();
      const result = await talk(
        port,
        `${line} HTTP/1.1\r\nHost: t\r\nContent-Length: 0\r\n\r\n` +
          'GET /healthz HTTP/1.1\r\nHost: t\r\n\r\n',
        4000,
        { answers: 2 },
      );
      expect(result.statuses).toEqual([status, 200]);
      expect(result.headers['connection']).toBe('keep-alive');
      expect(result.closedByServer).toBe(false);
    },
  );
});

describe('an HTTP/1.0 client asking for keep-alive (`ab -k`)', () => {
  const services = serviceFixture();
  const ask = (path: string, connection: string) =>
    `GET ${path} HTTP/1.0\r\nHost: t\r\nConnection: ${connection}\r\n\r\n`;

  // Work answers are written by the kit itself (sendWork); the others by express.
  it.each(['/cpu/fib?n=5', '/io/sleep?ms=1', '/healthz', '/cpu/fib?n=x'])(
    'keeps its connection after %s, the body sized by Content-Length',
    async (path) => {
      const { port } = await services.start();
      const result = await talk(port, ask(path, 'keep-alive'), 4000, { answers: 1 });
      expect(result.headers['connection']).toBe('keep-alive');
      const body = result.raw.slice(result.raw.indexOf('\r\n\r\n') + 4);
      expect(Number(result.headers['content-length'])).toBe(Buffer.byteLength(body, 'latin1'));
      expect(result.closedByServer).toBe(false);
    },
  );

  it('negative control: without keep-alive, HTTP/1.0 closes after the answer', async () => {
    const { port } = await services.start();
    const result = await talk(port, ask('/cpu/fib?n=5', 'close'), 500);
    expect(result.headers['connection']).toBe('close');
    expect(result.closedByServer).toBe(true);
  });
});

describe('CONNECT', () => {
  const services = serviceFixture();

  it('is answered as a method the route does not have (405 with Allow), then closed', async () => {
    const { port } = await services.start();
    const result = await talk(port, 'CONNECT /cpu/fib HTTP/1.1\r\nHost: t\r\n\r\n');
    expect(result.statuses).toEqual([405]);
    expect(result.headers['allow']).toBe('GET, HEAD');
    expect(result.closedByServer).toBe(true);
    const body = result.raw.slice(result.raw.indexOf('\r\n\r\n') + 4);
    await expectProblem(
      new Response(body, {
        status: 405,
        headers: { 'content-type': result.headers['content-type'] ?? '' },
      }),
      405,
      'ERR_METHOD_NOT_ALLOWED',
    );
  });

  it('ends its request like any other: the active-requests gauge comes back, each 405 is recorded', async () => {
    const { port, base } = await services.start();
    const active = async () =>
      // Less the scrape asking.
      metricSum(await metricsOf(base), 'http_server_active_requests') - 1;
    expect(await active()).toBe(0);
    for (let i = 0; i < 3; i++) {
      const result = await talk(port, 'CONNECT /cpu/fib HTTP/1.1\r\nHost: t\r\n\r\n');
      expect(result.statuses).toEqual([405]);
    }
    const connects = { method: 'CONNECT', status_code: '405' };
    const recorded = async () =>
      metricSum(await metricsOf(base), 'http_server_request_duration_seconds_count', connects);
    await until(async () => (await recorded()) === 3, {
      what: 'three CONNECTs recorded',
      timeoutMs: 3000,
    });
    expect(await active()).toBe(0);
  });

  // Node takes its own error listener off a socket it hands to 'connect': without ours, a
  // client's reset was an uncaught exception that ended the service (a cluster worker too).
  it.each([
    ['once it has its answer', true],
    ['before its answer is written', false],
  ])('whose client resets the connection %s leaves the service up', async (_, readFirst) => {
    const { port, base } = await services.start();
    const ended = new Promise<void>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.on('error', () => undefined);
      socket.once('close', () => resolve());
      socket.once('connect', () => {
        socket.write('CONNECT /cpu/fib HTTP/1.1\r\nHost: t\r\n\r\n');
        if (readFirst) socket.once('data', () => socket.resetAndDestroy());
        else socket.resetAndDestroy();
      });
    });
    await ended;
    await sleep(100); // the service reads the reset on a later turn
    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);
    await until(
      async () => metricSum(await metricsOf(base), 'http_server_active_requests') - 1 === 0,
      { what: 'the reset CONNECT to end its request', timeoutMs: 3000 },
    );
  });

  it('to a target without a path (only CONNECT can send one): 404 problem, not express’s HTML', async () => {
    const { port } = await services.start();
    const result = await talk(port, 'CONNECT ?n=0 HTTP/1.1\r\nHost: t\r\n\r\n');
    expect(result.statuses).toEqual([404]);
    expect(result.headers['content-type']).toBe('application/problem+json');
    expect(result.raw).toContain('"code":"ERR_NOT_FOUND"');
    expect(result.closedByServer).toBe(true);
  });

  it('on a path with no route: 404', async () => {
    const { port } = await services.start();
    const result = await talk(
      port,
      'CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n',
    );
    expect(result.statuses).toEqual([404]);
    expect(result.closedByServer).toBe(true);
  });
});

describe('a bad request pipelined behind a good one', () => {
  const services = serviceFixture();
  // The bad one's error comes while this one is in flight: a headers timeout of 200 ms, seen
  // by a check every 100 ms, within 300 ms.
  const sleeps = 'GET /io/sleep?ms=700 HTTP/1.1\r\nHost: t\r\n\r\n';
  const sleepRoute = { method: 'GET', route: '/io/sleep' };

  // The good request is whole when the error comes; the error is the later one's.
  it.each([
    ['garbage', `${sleeps}GARBAGE\r\n\r\n`],
    ['a request whose headers never finish', `${sleeps}GET /heal`],
  ])('(%s) leaves the good one its own answer, then closes', async (_, bytes) => {
    const { port, base } = await services.start({
      config: {
        http: {
          ...testConfig().http,
          headersTimeoutMs: 200,
          requestTimeoutMs: 400,
          connectionsCheckIntervalMs: 100,
        },
      },
    });
    const result = await talk(port, bytes, 6000);
    expect(result.statuses).toEqual([200]);
    expect(result.headers['connection']).toBe('close');
    expect(result.closedByServer).toBe(true);
    const metrics = await metricsOf(base);
    expect(requestCount(metrics, { ...sleepRoute, status_code: '200' })).toBe(1);
    expect(
      ['400', '408'].map((status_code) => requestCount(metrics, { ...sleepRoute, status_code })),
    ).toEqual([0, 0]);
  });

  it('negative control: the same garbage on its own is answered 400 problem, then closed', async () => {
    const { port } = await services.start();
    const result = await talk(port, 'GARBAGE\r\n\r\n');
    expect(result.statuses).toEqual([400]);
    expect(result.raw).toContain('"code":"ERR_INVALID_REQUEST"');
    expect(result.closedByServer).toBe(true);
  });
});

describe('a request refused mid-connection (431)', () => {
  const services = serviceFixture();

  it('ends the service’s side at once (FIN), not LINGER_MS later when the socket is cut', async () => {
    const { port } = await services.start();
    const socket = connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    socket.on('error', () => undefined);
    // Timed from the answer's arrival: the linger timer starts as the answer goes out, so the
    // connection's set-up and the 20 KB head (slow on a loaded machine) are not counted.
    let answeredAt = NaN;
    let raw = '';
    socket.on('data', (chunk: Buffer) => {
      if (raw === '') answeredAt = performance.now();
      raw += chunk.toString('latin1');
    });
    const ended = new Promise<number>((resolve) =>
      socket.once('end', () => resolve(performance.now() - answeredAt)),
    );
    // A head over HTTP_MAX_HEADER_SIZE: refused with 431 before the app sees it, connection kept.
    socket.write(`GET /healthz HTTP/1.1\r\nHost: t\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    const finAfterMs = await ended;
    socket.destroy();
    expect(raw).toMatch(/^HTTP\/1\.1 431 /);
    // Measured: the FIN within ~5 ms of the answer; without it, only the cut at LINGER_MS ends
    // the connection (~1,004 ms). Half of LINGER_MS leaves a loaded machine room either way.
    expect(finAfterMs).toBeLessThan(LINGER_MS / 2);
  });
});
