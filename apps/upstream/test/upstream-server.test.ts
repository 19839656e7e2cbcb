import type http from 'node:http';
import { createUpstreamServer, type UpstreamOptions } from '../src';
import { thrownAs } from '@concurrency-lab/errors/testing';
import { ConfigError } from '@concurrency-lab/service-kit/env';
import { close, listen } from '@concurrency-lab/launcher/testing';

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
      expect(await res.text()).toBe('ok');
    });

    it('answers 405 with Allow: GET to any other method', async () => {
      const base = await start();
      for (const method of ['POST', 'PUT', 'DELETE', 'HEAD']) {
        const res = await fetch(`${base}/page/1`, { method });
        await res.text();
        expect(res.status).toBe(405);
        expect(res.headers.get('allow')).toBe('GET');
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

    it('fail with failureStatus instead of 503 when one is configured', async () => {
      const base = await start({ failureRate: 1, failureStatus: 500 });
      expect(await fates(base, 3)).toEqual(['500', '500', '500']);
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
  ])('refuses %s out of range with ERR_KIT_INVALID_CONFIG naming it', (name, options) => {
    const error = thrownAs(ConfigError, () => createUpstreamServer(options));
    expect(error).toMatchObject({ name: 'ConfigError', code: 'ERR_KIT_INVALID_CONFIG' });
    expect(error.message).toContain(`\`${name}\``);
  });
});
