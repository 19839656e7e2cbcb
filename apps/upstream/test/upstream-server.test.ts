import type http from 'node:http';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { createUpstreamServer, type UpstreamOptions } from '../src';
import { thrownAs } from '@concurrency-lab/errors/testing';
import { ConfigError } from '@concurrency-lab/service-kit/env';
import { close, listen } from '@concurrency-lab/launcher/testing';

/** What came back on one raw connection: every byte until close, and the socket's error code. */
interface RawExchange {
  text: string;
  error: string | undefined;
}

/**
 * Writes `request` as is on a new connection to `base` and reads until the server closes it:
 * fetch can send neither an absolute-form target nor show whether a HEAD's answer had a body.
 */
function rawExchange(base: string, request: string): Promise<RawExchange> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(new URL(base).port), '127.0.0.1');
    const chunks: Buffer[] = [];
    let error: string | undefined;
    socket.setTimeout(3000, () => socket.destroy(new Error(`No close within 3 s: ${request}`)));
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    socket.on('close', () =>
      error?.startsWith('No close')
        ? reject(new Error(error))
        : resolve({ text: Buffer.concat(chunks).toString('utf8'), error }),
    );
    socket.write(request);
  });
}

/** The status line and the named header of a raw answer (lower-case name), and what follows. */
function parseRaw(text: string, header: string): { status: string; value?: string; body: string } {
  const end = text.indexOf('\r\n\r\n');
  const lines = text.slice(0, end).split('\r\n');
  const found = lines.find((line) => line.toLowerCase().startsWith(`${header}:`));
  return {
    status: lines[0] ?? '',
    value: found?.slice(header.length + 1).trim(),
    body: end === -1 ? text : text.slice(end + 4),
  };
}

describe('createUpstreamServer', () => {
  let server: http.Server | undefined;

  afterEach(async () => {
    if (server) await close(server);
    server = undefined;
  });

  async function start(options: Partial<UpstreamOptions> = {}): Promise<string> {
    server = createUpstreamServer(options);
    return listen(server);
  }

  describe('routes', () => {
    it('serves every page with its own title and a body of a few kilobytes', async () => {
      const base = await start({ pages: 5 });
      for (let i = 1; i <= 5; i++) {
        const res = await fetch(`${base}/page/${i}`);
        const body = await res.text();
        expect(res.status).toBe(200);
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(body.startsWith('<!doctype html><html><head>')).toBe(true);
        expect(body).toContain(`<title>Page ${i} · Upstream</title>`);
        expect(body).toMatch(/<p>[^<]+<\/p>/);
        expect(body).toMatch(/<a href="\/page\/\d+"/);
        expect(body.endsWith('</body></html>')).toBe(true);
        const bytes = Buffer.byteLength(body);
        expect(bytes).toBeGreaterThanOrEqual(2048);
        expect(bytes).toBeLessThanOrEqual(4096);
      }
    });

    it('answers 404 for page 0, page N+1 and a page number that is not an integer', async () => {
      const base = await start({ pages: 5 });
      for (const i of ['0', '6', '1.5', 'abc', '01', '-1', '', '1/']) {
        const res = await fetch(`${base}/page/${i}`);
        await res.text();
        expect({ i, status: res.status }).toEqual({ i, status: 404 });
      }
      const unknown = await fetch(`${base}/nope`);
      await unknown.text();
      expect(unknown.status).toBe(404);
    });

    it('links every page from the index', async () => {
      const base = await start({ pages: 7 });
      const res = await fetch(`${base}/`);
      const body = await res.text();
      expect(res.status).toBe(200);
      const links = [...body.matchAll(/href="\/page\/(\d+)"/g)].map((m) => Number(m[1]));
      expect(links).toEqual([1, 2, 3, 4, 5, 6, 7]);
    });

    it('answers ok on /healthz', async () => {
      const base = await start();
      const res = await fetch(`${base}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/plain; charset=utf-8');
      expect(await res.text()).toBe('ok');
    });

    it('answers 405 with Allow: GET, HEAD to any other method', async () => {
      const base = await start();
      for (const method of ['POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) {
        const res = await fetch(`${base}/page/1`, { method });
        await res.text();
        expect({ method, status: res.status }).toEqual({ method, status: 405 });
        expect(res.headers.get('allow')).toBe('GET, HEAD');
      }
    });

    it('answers HEAD on every GET route with the GET answer’s status and headers and no body', async () => {
      const base = await start({ pages: 5 });
      const targets = ['/', '/healthz', '/page/1', '/page/5', '/page/6', '/page/1?x=1'];
      targets.push('/page/2?fail=1');
      for (const target of targets) {
        const get = await fetch(`${base}${target}`);
        const getBody = Buffer.from(await get.arrayBuffer());
        // Raw, with Connection: close, so every byte the server sent for the HEAD is seen.
        const head = await rawExchange(
          base,
          `HEAD ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
        );
        const length = parseRaw(head.text, 'content-length');
        expect({ target, status: length.status, body: length.body, error: head.error }).toEqual({
          target,
          status: `HTTP/1.1 ${get.status} ${get.statusText}`,
          body: '',
          error: undefined,
        });
        expect({ target, length: length.value }).toEqual({ target, length: `${getBody.length}` });
        expect(parseRaw(head.text, 'content-type').value).toBe(get.headers.get('content-type'));
      }
    });

    it('treats a HEAD to a page as a page request: same fates as GETs for a seed, latency too', async () => {
      const fatesOf = async (method: string): Promise<number[]> => {
        const base = await start({ failureRate: 0.5, seed: 42 });
        const statuses: number[] = [];
        for (let n = 0; n < 30; n++) {
          const res = await fetch(`${base}/page/${1 + (n % 5)}`, { method });
          await res.arrayBuffer();
          statuses.push(res.status);
        }
        if (server) await close(server);
        return statuses;
      };
      const heads = await fatesOf('HEAD');
      expect(new Set(heads)).toEqual(new Set([200, 503]));
      expect(heads).toEqual(await fatesOf('GET'));

      const base = await start({ latencyMs: 0, spikeRate: 1, spikeMs: 0 });
      const started = performance.now();
      const res = await fetch(`${base}/page/1?latency=120`, { method: 'HEAD' });
      expect(res.status).toBe(200);
      expect(res.headers.get('x-upstream-fault')).toBe('spike');
      expect(performance.now() - started).toBeGreaterThanOrEqual(120);
    });

    it('routes an absolute-form target (RFC 9112 §3.2.2) by its path and query', async () => {
      const base = await start({ pages: 5 });
      const origin = base.replace('http://', '');
      const cases: [string, string, string][] = [
        [`http://${origin}/page/1`, 'HTTP/1.1 200 OK', '<title>Page 1 · Upstream</title>'],
        [`HTTP://elsewhere.example/page/5`, 'HTTP/1.1 200 OK', '<title>Page 5 · Upstream</title>'],
        [`http://${origin}/healthz`, 'HTTP/1.1 200 OK', 'ok'],
        [`http://${origin}`, 'HTTP/1.1 200 OK', 'href="/page/5"'],
        [`http://${origin}?`, 'HTTP/1.1 200 OK', 'href="/page/5"'],
        [`http://${origin}/page/2?fail=1`, 'HTTP/1.1 503 Service Unavailable', '503'],
        // The query is still validated, and a page that is not there is still a 404.
        [`http://${origin}/page/1?x=1`, 'HTTP/1.1 400 Bad Request', 'x'],
        [`http://${origin}/page/6`, 'HTTP/1.1 404 Not Found', '/page/6'],
        // Control: an origin-form path that starts with `//` is a path, not an authority.
        ['//page/1', 'HTTP/1.1 404 Not Found', '//page/1'],
      ];
      for (const [target, status, content] of cases) {
        const answer = await rawExchange(
          base,
          `GET ${target} HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n`,
        );
        const { status: seen, body } = parseRaw(answer.text, 'content-length');
        expect({ target, status: seen }).toEqual({ target, status });
        expect({ target, has: body.includes(content) }).toEqual({ target, has: true });
      }
    });

    it('answers 400 to a query it does not understand', async () => {
      const base = await start();
      const bad = [
        'latency=abc',
        'latency=-1',
        'latency=10001',
        'latency=1.5',
        'fail=2',
        'fail=',
        'x=1',
        'fail=1&fail=1',
      ];
      for (const query of bad) {
        const res = await fetch(`${base}/page/1?${query}`);
        await res.text();
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
      const ok = await fetch(`${base}/page/1?latency=0&fail=0`);
      await ok.text();
      expect(ok.status).toBe(200);
    });
  });

  describe('latency', () => {
    // A timer can fire before performance.now() reaches its due time (libuv's cached clock):
    // here the clock lags 25 ms once the page's timer is armed, so the first firing is early.
    it('re-arms a latency timer that fires early: the answer waits for the clock', async () => {
      const base = await start({ latencyMs: 30 });
      const site = server as http.Server;
      const clock = performance.now.bind(performance);
      let lag = 0;
      const now = jest.spyOn(performance, 'now').mockImplementation(() => clock() - lag);
      try {
        let armedAt = 0;
        let answeredAfter = 0;
        site.prependListener('request', () => (armedAt = performance.now()));
        site.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
          lag = 25;
          res.once('finish', () => (answeredAfter = performance.now() - armedAt));
        });
        const res = await fetch(`${base}/page/1`);
        await res.text();
        expect(answeredAfter).toBeGreaterThanOrEqual(30);
      } finally {
        now.mockRestore();
      }
    });

    it('waits at least latencyMs before answering', async () => {
      const base = await start({ latencyMs: 150 });
      const started = performance.now();
      const res = await fetch(`${base}/page/1`);
      await res.text();
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(150);
    });

    it('lets ?latency= override the configured latency for one request', async () => {
      const base = await start({ latencyMs: 0 });
      const started = performance.now();
      const res = await fetch(`${base}/page/1?latency=120`);
      await res.text();
      expect(res.status).toBe(200);
      expect(performance.now() - started).toBeGreaterThanOrEqual(120);
    });

    it('adds jitter without ever answering before latencyMs', async () => {
      const base = await start({ latencyMs: 40, jitterMs: 30 });
      for (let n = 0; n < 3; n++) {
        const started = performance.now();
        const res = await fetch(`${base}/page/1`);
        await res.text();
        expect(performance.now() - started).toBeGreaterThanOrEqual(40);
      }
    });
  });

  describe('failures', () => {
    async function outcomes(seed: number): Promise<number[]> {
      const base = await start({ failureRate: 0.5, seed });
      const statuses: number[] = [];
      for (let n = 0; n < 200; n++) {
        const res = await fetch(`${base}/page/${1 + (n % 50)}`);
        await res.text();
        statuses.push(res.status);
      }
      if (server) await close(server);
      return statuses;
    }

    it('fails about failureRate of requests, identically on two servers with the same seed', async () => {
      const first = await outcomes(42);
      const second = await outcomes(42);
      const failures = first.filter((status) => status === 503).length;
      expect(new Set(first)).toEqual(new Set([200, 503]));
      expect(failures).toBeGreaterThanOrEqual(60);
      expect(failures).toBeLessThanOrEqual(140);
      expect(second).toEqual(first);
    });

    it('never fails when failureRate is 0', async () => {
      const base = await start({ failureRate: 0 });
      for (let n = 0; n < 100; n++) {
        const res = await fetch(`${base}/page/1`);
        await res.text();
        expect(res.status).toBe(200);
      }
    });

    it('draws a forced failure’s number too: ?fail=1 on request 1 leaves requests 2–12 as they were', async () => {
      const statuses = async (first: string): Promise<number[]> => {
        const base = await start({ failureRate: 0.5, seed: 3 });
        const seen: number[] = [];
        for (const target of [first, ...Array<string>(11).fill('/page/1')]) {
          const res = await fetch(`${base}${target}`);
          await res.text();
          seen.push(res.status);
        }
        if (server) await close(server);
        return seen;
      };
      const plain = await statuses('/page/1');
      const forced = await statuses('/page/1?fail=1');
      expect(forced[0]).toBe(503);
      // Both fates follow, so a sequence shifted by one draw would show.
      expect(new Set(plain.slice(1))).toEqual(new Set([200, 503]));
      expect(forced.slice(1)).toEqual(plain.slice(1));
    });

    it('fails with a small HTML 503 when ?fail=1 is given', async () => {
      const base = await start({ failureRate: 0 });
      const res = await fetch(`${base}/page/3?fail=1`);
      const body = await res.text();
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
      expect(body).toContain('<title>503 · Upstream</title>');
      expect(Buffer.byteLength(body)).toBeLessThan(1024);
    });
  });

  describe('fault switches', () => {
    /** The fate of `count` sequential page requests: status, or the reset's error code. */
    async function fates(base: string, count: number): Promise<string[]> {
      const seen: string[] = [];
      for (let n = 0; n < count; n++) {
        const res = await fetch(`${base}/page/${1 + (n % 50)}`);
        const fault = res.headers.get('x-upstream-fault');
        try {
          await res.text();
          seen.push(`${res.status}${fault ? ` ${fault}` : ''}`);
        } catch (error) {
          seen.push(
            `${res.status} ${String((error as { cause?: { code?: unknown } }).cause?.code)}`,
          );
        }
      }
      return seen;
    }

    it('are all off by default: no spike, no reset, no failure', async () => {
      const base = await start();
      expect(new Set(await fates(base, 50))).toEqual(new Set(['200']));
    });

    // A spike says so in a header (`200 spike`); a reset fails the body (`200 ECONNRESET`).
    it.each<[string, string, Partial<UpstreamOptions>, number, number]>([
      ['spikeRate', '200 spike', { spikeRate: 0.5, spikeMs: 40, seed: 7 }, 15, 45],
      ['resetRate', '200 ECONNRESET', { resetRate: 0.3, seed: 3 }, 8, 30],
    ])(
      '%s: about that share of pages end as %j, the rest are served whole',
      async (_rate, fate, options, min, max) => {
        const base = await start(options);
        const seen = await fates(base, 60);
        const faulted = seen.filter((s) => s === fate).length;
        expect(new Set(seen)).toEqual(new Set(['200', fate]));
        expect(faulted).toBeGreaterThanOrEqual(min);
        expect(faulted).toBeLessThanOrEqual(max);
      },
    );

    it('always spikes at spikeRate 1, adding spikeMs to the configured latency', async () => {
      const base = await start({ spikeRate: 1, spikeMs: 80, latencyMs: 20 });
      const started = performance.now();
      const res = await fetch(`${base}/page/2`);
      await res.text();
      expect(res.headers.get('x-upstream-fault')).toBe('spike');
      expect(performance.now() - started).toBeGreaterThanOrEqual(100);
    });

    it('reset the connection mid-body: a 200 whose body fails with ECONNRESET', async () => {
      const base = await start({ resetRate: 1 });
      expect(await fates(base, 5)).toEqual(Array(5).fill('200 ECONNRESET'));
    });

    it('reset a HEAD to a page after its headers: the GET’s 200 and Content-Length, no body', async () => {
      const base = await start({ resetRate: 1, pages: 5 });
      const get = await fetch(`${base}/page/3`);
      const length = Number(get.headers.get('content-length'));
      await expect(get.text()).rejects.toThrow();
      const head = await rawExchange(base, 'HEAD /page/3 HTTP/1.1\r\nHost: a\r\n\r\n');
      const answer = parseRaw(head.text, 'content-length');
      expect(head.error).toBe('ECONNRESET');
      expect(answer).toEqual({ status: 'HTTP/1.1 200 OK', value: `${length}`, body: '' });
      expect(length).toBeGreaterThan(2000);
    });

    it('fail with failureStatus instead of 503 when one is configured', async () => {
      const base = await start({ failureRate: 1, failureStatus: 500 });
      expect(await fates(base, 3)).toEqual(['500', '500', '500']);
    });

    it('draw from a stream of their own: at failureRate = spikeRate = 0.5 the failed and spiked requests differ', async () => {
      const base = await start({ failureRate: 0.5, spikeRate: 0.5, spikeMs: 0, seed: 5 });
      const failed: number[] = [];
      const spiked: number[] = [];
      for (let n = 0; n < 40; n++) {
        const res = await fetch(`${base}/page/1`);
        await res.text();
        if (res.status !== 200) failed.push(n);
        if (res.headers.get('x-upstream-fault') === 'spike') spiked.push(n);
      }
      // Each about half: were the two drawn from one stream, the two sets would be the same.
      for (const set of [failed, spiked]) {
        expect(set.length).toBeGreaterThanOrEqual(10);
        expect(set.length).toBeLessThanOrEqual(30);
      }
      expect(spiked).not.toEqual(failed);
    });

    it('leave the failure sequence of a seed unchanged when a fault is switched on', async () => {
      const plain = await fates(await start({ failureRate: 0.5, seed: 42 }), 40);
      if (server) await close(server);
      const spiky = await fates(
        await start({ failureRate: 0.5, seed: 42, spikeRate: 0.5, spikeMs: 0 }),
        40,
      );
      expect(spiky.map((s) => s.split(' ')[0])).toEqual(plain);
      expect(spiky.some((s) => s.endsWith('spike'))).toBe(true);
    });
  });

  it.each([
    ['pages', { pages: 0 }],
    ['failureRate', { failureRate: 1.5 }],
    ['latencyMs', { latencyMs: Number.NaN }],
    ['failureStatus', { failureStatus: 499 }],
    ['resetRate', { resetRate: 2 }],
    // Options given in code are held to whole numbers as the variables are.
    ['pages', { pages: 2.5 }],
    ['seed', { seed: 1.5 }],
  ])('refuses %s out of range with ERR_KIT_INVALID_CONFIG naming it', (name, options) => {
    const error = thrownAs(ConfigError, () => createUpstreamServer(options));
    expect(error).toMatchObject({ name: 'ConfigError', code: 'ERR_KIT_INVALID_CONFIG' });
    expect(error.message).toContain(`\`${name}\``);
  });
});
