import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  applyFilter,
  decodePng,
  encodePng,
  FILTER_NAMES,
  generateTestImage,
  imageChecksum,
} from '@concurrency-lab/workloads';
import { invalidIntValues, PARAM_CASES, queryString, type ParamCase } from './param-cases';
import { requestOnNewConnection, spawnService, type ServiceHandle } from '../spawn-service';
import { appEntry } from '../workspace-root';

/** How the suite starts the model under test: a real process, with extra environment. */
export interface ContractTarget {
  /** The `model` label the service must report. */
  model: string;
  /** Start the service with `env` added (the suite sets PORT=0, UPSTREAM_URL, limits). */
  start(env: Record<string, string>): Promise<ServiceHandle>;
  /** Threads/processes the suite asks for. @default 2 */
  workers?: number;
  /** Metric families this model exposes beyond the ones every model has (pool metrics, ...). */
  metrics?: readonly string[];
}

/** What every model's `/metrics` carries (shared CONTRACT.md), whatever runs the work. */
export const COMMON_METRICS = [
  'http_server_request_duration_seconds',
  'http_server_active_requests',
  'lab_shed_total',
  'lab_eventloop_utilization',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_heap_size_used_bytes',
  'lab_queue_size',
  'lab_queue_wait_seconds',
  'lab_lock_wait_seconds',
  'lab_lock_hold_seconds',
] as const;

/** A target for an app of this repository, run from its built `dist/main.js`. */
export function appTarget(
  app: string,
  model: string,
  workers = 2,
  metrics: readonly string[] = [],
): ContractTarget {
  return { model, workers, metrics, start: (env) => spawnService(appEntry(app), { env }) };
}

interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
}

async function expectProblem(response: Response, status: number, code: string): Promise<Problem> {
  const text = await response.text();
  expect({ status: response.status, body: text.slice(0, 300) }).toMatchObject({ status });
  expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Problem;
  expect(body).toMatchObject({ status, code });
  expect(typeof body.type).toBe('string');
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  expect(text).not.toMatch(/\bat .+:\d+:\d+/); // never a stack trace
  return body;
}

/** Accepted = not a 400: answered 2xx, or still working when the client gave up. */
async function expectAccepted(url: string, method: string, slow: boolean): Promise<void> {
  try {
    const response = await fetch(url, { method, signal: slow ? AbortSignal.timeout(400) : null });
    const text = await response.text();
    expect({ status: response.status, body: text.slice(0, 300) }).toMatchObject({ status: 200 });
  } catch (error) {
    if (!slow || (error as Error).name !== 'TimeoutError') throw error;
  }
}

function tinyPng(width = 8, height = 8): Buffer {
  return encodePng(cropTo(width, height));
}

function cropTo(width: number, height: number) {
  const src = generateTestImage(Math.max(16, width, height));
  const data = new Uint8Array(width * height * 4);
  for (let y = 0; y < height; y++) {
    data.set(src.data.subarray(y * src.width * 4, y * src.width * 4 + width * 4), y * width * 4);
  }
  return { width, height, data };
}

/** A PNG whose header claims `side`×`side` pixels: the bytes of a small PNG, IHDR patched. */
function pngClaiming(side: number): Buffer {
  const png = Buffer.from(tinyPng());
  png.writeUInt32BE(side, 16);
  png.writeUInt32BE(side, 20);
  return png;
}

/**
 * The contract of `shared/CONTRACT.md` as one jest suite, run unchanged against every model.
 * It starts the upstream site and the service under test as real processes on port 0.
 */
export function describeContract(target: ContractTarget): void {
  const workers = String(target.workers ?? 2);

  describe(`contract: ${target.model}`, () => {
    let upstream: ServiceHandle;
    let service: ServiceHandle;
    let base: string;

    beforeAll(async () => {
      upstream = await spawnService(appEntry('upstream'), {
        env: { UPSTREAM_PAGES: '50', UPSTREAM_LATENCY_MS: '2' },
      });
      service = await target.start({
        WORKERS: workers,
        UPSTREAM_URL: upstream.url,
        REQUEST_TIMEOUT_MS: '20000',
      });
      base = service.url;
    }, 60_000);

    afterAll(async () => {
      const status = await service?.stop();
      await upstream?.stop();
      expect(status).toEqual({ code: 0, signal: null });
    }, 30_000);

    describe('work routes', () => {
      it('computes fib(30) and reports where and how long', async () => {
        const response = await fetch(`${base}/cpu/fib?n=30`);
        expect(response.status).toBe(200);
        expect(response.headers.get('server-timing')).toMatch(/queue;dur=[\d.]+, work;dur=[\d.]+/);
        const body = (await response.json()) as Record<string, unknown>;
        expect(body).toMatchObject({ model: target.model, result: 832040 });
        expect(body['pid']).toEqual(expect.any(Number));
        expect(body['threadId']).toEqual(expect.any(Number));
        expect(body['durationMs']).toEqual(expect.any(Number));
      });

      it('counts the primes below one million', async () => {
        const response = await fetch(`${base}/cpu/primes?limit=1000000`);
        expect(await response.json()).toMatchObject({ model: target.model, result: 78498 });
      });

      it.each(FILTER_NAMES)(
        'filters a generated image with %s, as the workloads lib does',
        async (filter) => {
          const response = await fetch(`${base}/image/filter?filter=${filter}&size=64`);
          const expected = applyFilter(generateTestImage(64), filter);
          expect(await response.json()).toMatchObject({
            model: target.model,
            result: { width: 64, height: 64, checksum: imageChecksum(expected) },
          });
        },
      );

      it('filters an uploaded PNG and answers a PNG', async () => {
        const png = tinyPng(12, 9);
        const response = await fetch(`${base}/image/filter?filter=emboss`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: png,
        });
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('image/png');
        expect(response.headers.get('server-timing')).toMatch(/queue;dur=/);
        const out = decodePng(new Uint8Array(await response.arrayBuffer()));
        expect(imageChecksum(out)).toBe(imageChecksum(applyFilter(decodePng(png), 'emboss')));
      });

      it('sleeps without blocking and answers the time slept', async () => {
        const response = await fetch(`${base}/io/sleep?ms=30`);
        const body = (await response.json()) as { result: unknown; durationMs: number };
        expect(body.result).toEqual({ sleptMs: 30 });
        expect(body.durationMs).toBeGreaterThanOrEqual(29);
      });

      it('scrapes upstream pages concurrently and extracts every title', async () => {
        const response = await fetch(`${base}/io/scrape?pages=12`);
        expect(response.status).toBe(200);
        const { result } = (await response.json()) as {
          result: Array<{ url: string; title: string }>;
        };
        expect(result).toHaveLength(12);
        result.forEach((page, i) => {
          expect(page.url).toBe(`${upstream.url}/page/${i + 1}`);
          expect(page.title).toMatch(new RegExp(`\\b${i + 1}\\b`));
        });
      });

      it('waits then computes on /mixed', async () => {
        const response = await fetch(`${base}/mixed?ms=5&n=20`);
        expect(await response.json()).toMatchObject({ result: { sleptMs: 5, fib: 6765 } });
      });
    });

    describe('the shared counter', () => {
      it('is exact with safe=true', async () => {
        await fetch(`${base}/counter`, { method: 'DELETE' });
        const response = await fetch(`${base}/counter/increment?times=1000000&safe=true`, {
          method: 'POST',
        });
        const { result } = (await response.json()) as {
          result: { expected: number; actual: number };
        };
        expect(result).toMatchObject({ expected: 1000000, actual: 1000000 });
        expect(await (await fetch(`${base}/counter`)).json()).toMatchObject({ value: 1000000 });
      });

      it('loses updates with safe=false (the race is real)', async () => {
        // A race is a matter of timing: on a loaded machine one run can go by without a
        // collision, so up to three runs of a million increments; one lost update proves it.
        const runs: Array<{ expected: number; actual: number }> = [];
        for (let attempt = 0; attempt < 3; attempt++) {
          await fetch(`${base}/counter`, { method: 'DELETE' });
          const response = await fetch(`${base}/counter/increment?times=1000000&safe=false`, {
            method: 'POST',
          });
          const { result } = (await response.json()) as {
            result: { expected: number; actual: number };
          };
          runs.push(result);
          if (result.actual < result.expected) break;
        }
        for (const run of runs) {
          expect(run.expected).toBe(1000000);
          expect(run.actual).toBeGreaterThan(0);
          expect(run.actual).toBeLessThanOrEqual(run.expected);
        }
        expect(runs.some((run) => run.actual < run.expected)).toBe(true);
      });

      it('resets to zero', async () => {
        const response = await fetch(`${base}/counter`, { method: 'DELETE' });
        expect(await response.json()).toMatchObject({ model: target.model, value: 0 });
      });
    });

    describe('probes and metadata', () => {
      it('answers liveness and readiness', async () => {
        expect((await fetch(`${base}/healthz`)).status).toBe(200);
        expect((await fetch(`${base}/readyz`)).status).toBe(200);
      });

      it('describes itself on /info', async () => {
        const info = (await (await fetch(`${base}/info`)).json()) as Record<string, unknown>;
        expect(info).toMatchObject({ model: target.model, node: expect.stringMatching(/^v24\./) });
        expect(info['pid']).toEqual(expect.any(Number));
        expect(info['workers']).toEqual(expect.any(Number));
        expect(info['cpus']).toEqual(expect.any(Number));
        expect(info['limits']).toMatchObject({
          maxQueue: expect.any(Number),
          requestTimeoutMs: 20000,
        });
      });

      it('exposes Prometheus metrics labelled with the model and the route template', async () => {
        await fetch(`${base}/cpu/fib?n=3`);
        const text = await (await fetch(`${base}/metrics`)).text();
        expect(text).toMatch(
          new RegExp(
            `http_server_request_duration_seconds_count\\{(?=[^}]*route="/cpu/fib")(?=[^}]*model="${target.model}")[^}]*\\} [1-9]`,
          ),
        );
        expect(text).not.toMatch(/route="\/cpu\/fib\?/);
        for (const name of [
          'http_server_active_requests',
          'lab_eventloop_utilization',
          'process_resident_memory_bytes',
        ]) {
          expect(text).toContain(`${name}{`);
        }
      });

      it('sends security headers and no x-powered-by', async () => {
        const response = await fetch(`${base}/healthz`);
        expect(response.headers.get('x-powered-by')).toBeNull();
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      });
    });

    describe('errors are problem+json with stable codes', () => {
      it('404s an unknown route', async () => {
        await expectProblem(await fetch(`${base}/nope`), 404, 'ERR_NOT_FOUND');
      });

      it('405s a known route with the wrong method and says what is allowed', async () => {
        const response = await fetch(`${base}/cpu/fib?n=1`, { method: 'DELETE' });
        expect(response.headers.get('allow')).toContain('GET');
        await expectProblem(response, 405, 'ERR_METHOD_NOT_ALLOWED');
      });

      it('415s an upload that is not image/png', async () => {
        const response = await fetch(`${base}/image/filter?filter=blur`, {
          method: 'POST',
          headers: { 'content-type': 'text/plain' },
          body: 'hello',
        });
        await expectProblem(response, 415, 'ERR_UNSUPPORTED_MEDIA_TYPE');
      });

      it('413s a 9 MiB body', async () => {
        const response = await fetch(`${base}/image/filter?filter=blur`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: Buffer.alloc(9 * 1024 * 1024, 1),
        });
        await expectProblem(response, 413, 'ERR_BODY_TOO_LARGE');
      });

      it('413s a PNG whose header claims more than 4096×4096, before decoding it', async () => {
        const response = await fetch(`${base}/image/filter?filter=blur`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: pngClaiming(5000),
        });
        await expectProblem(response, 413, 'ERR_IMAGE_TOO_LARGE');
      });

      it('400s a body that is not a PNG', async () => {
        const response = await fetch(`${base}/image/filter?filter=blur`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: 'definitely not a png',
        });
        await expectProblem(response, 400, 'ERR_INVALID_IMAGE');
      });

      it('400s a PNG with a valid header and corrupt data, wherever it is decoded', async () => {
        const png = Buffer.from(tinyPng());
        png.fill(0x55, 40, png.length - 12);
        const response = await fetch(`${base}/image/filter?filter=blur`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: png,
        });
        await expectProblem(response, 400, 'ERR_INVALID_IMAGE');
      });

      it('400s an unknown filter on upload before reading the body', async () => {
        const response = await fetch(`${base}/image/filter?filter=sepia`, {
          method: 'POST',
          headers: { 'content-type': 'image/png' },
          body: tinyPng(),
        });
        const problem = await expectProblem(response, 400, 'ERR_INVALID_PARAM');
        expect(problem.detail).toContain('`filter`');
      });
    });

    describe.each(
      PARAM_CASES.map((c) => [`${c.method} ${c.path} ${c.param}`, c] as [string, ParamCase]),
    )('parameter %s', (_label, c) => {
      const first = c.kind === 'enum' ? (c.values[0] ?? '') : '';
      const url = (params: Record<string, string | string[]>) =>
        `${base}${c.path}${queryString(params)}`;
      const expect400 = async (params: Record<string, string | string[]>, names: string) => {
        const problem = await expectProblem(
          await fetch(url(params), { method: c.method }),
          400,
          'ERR_INVALID_PARAM',
        );
        expect(problem.detail).toContain(`\`${names}\``);
      };

      if (c.kind === 'int') {
        it('accepts its minimum', () =>
          expectAccepted(url({ ...c.base, [c.param]: String(c.min) }), c.method, false));
        it(
          'accepts its maximum',
          () =>
            expectAccepted(
              url({ ...c.base, [c.param]: String(c.max) }),
              c.method,
              c.slowMax ?? false,
            ),
          30_000,
        );
        it.each(invalidIntValues(c))('refuses %s (%s) naming the parameter', (_l, value) =>
          expect400({ ...c.base, [c.param]: value }, c.param),
        );
        it('refuses a repeated key', () =>
          expect400({ ...c.base, [c.param]: [String(c.min), String(c.min)] }, c.param));
      } else {
        it.each(c.values)('accepts %s', (value) =>
          expectAccepted(url({ ...c.base, [c.param]: value }), c.method, false),
        );
        it.each([
          ['unknown', 'bogus'],
          ['empty', ''],
          ['wrong case', first.toUpperCase()],
        ])('refuses %s (%s) naming the parameter', (_l, value) =>
          expect400({ ...c.base, [c.param]: value }, c.param),
        );
        it('refuses a repeated key', () =>
          expect400({ ...c.base, [c.param]: [first, first] }, c.param));
      }
      it('refuses a missing value naming the parameter', () => expect400({ ...c.base }, c.param));
      it('refuses an unknown extra key naming it', () =>
        expect400(
          { ...c.base, [c.param]: c.kind === 'int' ? String(c.min) : first, bogus: '1' },
          'bogus',
        ));
    });
  });

  describe(`contract under pressure: ${target.model}`, () => {
    it('answers 504 when a request passes its deadline, and stays healthy', async () => {
      const service = await target.start({ WORKERS: workers, REQUEST_TIMEOUT_MS: '300' });
      try {
        const problem = await expectProblem(
          await fetch(`${service.url}/io/sleep?ms=5000`),
          504,
          'ERR_DEADLINE_EXCEEDED',
        );
        expect(problem.detail).toContain('300');
        expect((await fetch(`${service.url}/io/sleep?ms=1`)).status).toBe(200);
      } finally {
        expect(await service.stop()).toEqual({ code: 0, signal: null });
      }
    });

    it('answers 503 with Retry-After beyond the pending-work bound, and serves the rest', async () => {
      // MAX_QUEUE bounds each process's pending work; with round-robin across processes, 2
      // slow requests per process plus 2 more exceed every process's bound of 1.
      const service = await target.start({ WORKERS: workers, MAX_QUEUE: '1' });
      try {
        const count = 2 * Number(workers) + 2;
        const answers = await Promise.all(
          Array.from({ length: count }, () =>
            requestOnNewConnection(`${service.url}/io/sleep?ms=1000`),
          ),
        );
        const shed = answers.filter((a) => a.status === 503);
        expect(answers.every((a) => a.status === 200 || a.status === 503)).toBe(true);
        expect(shed.length).toBeGreaterThan(0);
        expect(answers.length - shed.length).toBeGreaterThan(0);
        for (const a of shed) {
          expect(a.headers['retry-after']).toBe('1');
          expect(a.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(JSON.parse(a.body)).toMatchObject({ status: 503, code: 'ERR_OVERLOADED' });
        }
        expect((await fetch(`${service.url}/io/sleep?ms=1`)).status).toBe(200);
        const text = await (await fetch(`${service.url}/metrics`)).text();
        const counted = [
          ...text.matchAll(/^lab_shed_total\{(?=[^}]*reason="queue_full")[^}]*\} (\d+)/gm),
        ];
        expect(counted.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(shed.length);
      } finally {
        await service.stop();
      }
    });

    it('counts exactly the requests it was sent, and exposes every contract metric', async () => {
      const service = await target.start({ WORKERS: workers });
      try {
        const sent = { fib: 17, sleep: 9, notFound: 4 };
        await Promise.all([
          ...Array.from({ length: sent.fib }, () =>
            fetch(`${service.url}/cpu/fib?n=5`).then((r) => r.text()),
          ),
          ...Array.from({ length: sent.sleep }, () =>
            fetch(`${service.url}/io/sleep?ms=2`).then((r) => r.text()),
          ),
          ...Array.from({ length: sent.notFound }, () =>
            fetch(`${service.url}/nope`).then((r) => r.text()),
          ),
        ]);
        const text = await (await fetch(`${service.url}/metrics`)).text();
        const count = (route: string, status: string) =>
          [...text.matchAll(/^http_server_request_duration_seconds_count\{([^}]*)\} (\d+)$/gm)]
            .filter(
              (m) =>
                m[1]?.includes(`route="${route}"`) && m[1]?.includes(`status_code="${status}"`),
            )
            .reduce((sum, m) => sum + Number(m[2]), 0);
        expect(count('/cpu/fib', '200')).toBe(sent.fib);
        expect(count('/io/sleep', '200')).toBe(sent.sleep);
        expect(count('unmatched', '404')).toBe(sent.notFound);
        for (const name of [...COMMON_METRICS, ...(target.metrics ?? [])]) {
          expect([name, new RegExp(`^# TYPE ${name} `, 'm').test(text)]).toEqual([name, true]);
        }
        expect(text).toMatch(
          new RegExp(
            `^process_resident_memory_bytes\\{[^}]*model="${target.model}"[^}]*\\} [1-9]`,
            'm',
          ),
        );
      } finally {
        await service.stop();
      }
    });

    it('on SIGTERM finishes all 20 in-flight requests, refuses new connections and exits 0', async () => {
      const service = await target.start({ WORKERS: workers, SHUTDOWN_TIMEOUT_MS: '15000' });
      const inFlight = Array.from({ length: 20 }, () =>
        fetch(`${service.url}/io/sleep?ms=2000`).then(async (r) => ({
          status: r.status,
          body: await r.text(),
        })),
      );
      // Wait until the service reports the 20 requests in flight (bounded poll, no fixed sleep).
      for (let i = 0; i < 50; i++) {
        const text = await (await requestOnNewConnection(`${service.url}/metrics`)).body;
        const active = [...text.matchAll(/^http_server_active_requests\{[^}]*\} (\d+)/gm)].reduce(
          (sum, m) => sum + Number(m[1]),
          0,
        );
        if (active >= 21) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      service.child.kill('SIGTERM');
      await new Promise((resolve) => setTimeout(resolve, 300));
      await expect(requestOnNewConnection(`${service.url}/healthz`)).rejects.toMatchObject({
        code: 'ECONNREFUSED',
      });
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(await service.exited).toEqual({ code: 0, signal: null });
    }, 30_000);
  });
}
