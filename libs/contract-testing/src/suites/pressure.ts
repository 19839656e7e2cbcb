import { describe, expect, it } from '@jest/globals';
import { metricSum, requestOnNewConnection, ADMISSION_OFF } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { metricsViolations } from '../contract-metrics';
import { COMMON_METRICS, type ContractContext } from '../contract-target';
import { PARAM_CASES, queryString } from '../param-cases';
import { holdRequest } from '../raw-answer';
import { tinyPng } from '../test-images';
import { expectProblem } from '../problem-assertions';
import { problemBodyViolation } from '../problem-shape';

/**
 * Waits until the service at `url` reports at least `count` requests in flight, the scrape that
 * reads the count among them.
 */
function untilActiveRequests(
  url: string,
  count: number,
  options: { what: string; everyMs: number },
): Promise<void> {
  return until(async () => {
    const { body } = await requestOnNewConnection(`${url}/metrics`);
    return metricSum(body, 'http_server_active_requests') >= count;
  }, options);
}

/**
 * One request per parameter of the contract, each with its parameter out of range (an int's
 * max+1, an enum's unknown value) and the route's other parameters valid.
 */
function refusedParameterRequests(): Array<[method: string, path: string]> {
  return PARAM_CASES.map((c) => [
    c.method,
    `${c.path}${queryString({ ...c.base, [c.param]: c.kind === 'int' ? String(c.max + 1) : 'bogus' })}`,
  ]);
}

/**
 * Each test starts its own service with the limits it needs: the deadline (504), the
 * pending-work bound (503), exact request counting, and a graceful SIGTERM.
 */
export function describePressure(ctx: ContractContext): void {
  const { target, workers } = ctx;
  describe(`contract under pressure: ${target.model}`, () => {
    it('answers 504 when a request passes its deadline, and stays healthy', async () => {
      const service = await target.start({
        ...ADMISSION_OFF,
        WORKERS: workers,
        REQUEST_TIMEOUT_MS: '300',
      });
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

    it('cancels the increments it answered 504 for: the counter keeps only what was answered 200', async () => {
      const times = 1_000_000;
      const service = await target.start({
        ...ADMISSION_OFF,
        WORKERS: workers,
        REQUEST_TIMEOUT_MS: '100',
        MAX_QUEUE: '64',
      });
      try {
        const answers = await Promise.all(
          Array.from({ length: 30 }, () =>
            fetch(`${service.url}/counter/increment?times=${times}&safe=true`, {
              method: 'POST',
            }).then(async (r) => ({ status: r.status, body: await r.text() })),
          ),
        );
        const statuses = answers.map((a) => a.status);
        const ok = statuses.filter((s) => s === 200).length;
        const late = statuses.filter((s) => s === 504).length;
        // Every one 200 or 504: any other answer is shown whole.
        expect(answers.filter((a) => a.status !== 200 && a.status !== 504)).toEqual([]);
        // Enough 504s that their work, left to run, would show: the test's premise.
        expect(late).toBeGreaterThanOrEqual(3);
        // Read until the value holds still (bounded): work nobody waits for would keep adding.
        const read = async () =>
          ((await (await fetch(`${service.url}/counter`)).json()) as { value: number }).value;
        let value = await read();
        for (let still = 0, polls = 0; still < 3 && polls < 100; polls++) {
          await new Promise((resolve) => setTimeout(resolve, 100));
          const next = await read();
          still = next === value ? still + 1 : 0;
          value = next;
        }
        // What was answered 200 (safe increments are exact), and some of what the 504s had
        // done before their cancellation stopped them — not their whole work, which, left to
        // run, would make it (ok + late) × times. (Less than half: the async model runs all 30
        // at once on its loop, each a little way; the others run one or two at a time.)
        expect(value).toBeGreaterThanOrEqual(ok * times);
        expect(value).toBeLessThanOrEqual(ok * times + (late * times) / 2);
      } finally {
        expect(await service.stop()).toEqual({ code: 0, signal: null });
      }
    }, 60_000);

    it('answers 503 with Retry-After beyond the pending-work bound, serves the rest, and still refuses bad parameters 400', async () => {
      // MAX_QUEUE bounds each process's pending work; with round-robin across processes, 2
      // slow requests per process plus 2 more exceed every process's bound of 1.
      const service = await target.start({ ...ADMISSION_OFF, WORKERS: workers, MAX_QUEUE: '1' });
      try {
        const processes = Number(workers);
        const count = 2 * processes + 2;
        let answered = 0;
        const sleeps = Array.from({ length: count }, () =>
          requestOnNewConnection(`${service.url}/io/sleep?ms=2000`).finally(() => answered++),
        );
        // What each process sheds it answers at once; what it admitted (one each, at most)
        // sleeps on: the service is at its bound.
        await until(() => answered >= count - processes, {
          what: 'the requests past the bound to be shed',
          everyMs: 10,
        });
        // "A request whose parameters are refused (400) is refused before admission, at any
        // load": each route's bad parameter, sent beside a valid request that is shed.
        const atBound = await Promise.all([
          ...refusedParameterRequests().map(([method, path]) =>
            requestOnNewConnection(`${service.url}${path}`, method).then((a) => ({
              path,
              status: a.status,
              retryAfter: a.headers['retry-after'],
              code: (JSON.parse(a.body) as { code?: unknown }).code,
            })),
          ),
          ...Array.from({ length: processes }, () =>
            requestOnNewConnection(`${service.url}/cpu/fib?n=1`).then((a) => ({
              path: '/cpu/fib?n=1',
              status: a.status,
              retryAfter: a.headers['retry-after'],
              code: (JSON.parse(a.body) as { code?: unknown }).code,
            })),
          ),
        ]);
        const valid = atBound.filter((a) => a.path === '/cpu/fib?n=1');
        // The control: the bound holds while the bad parameters arrive (a process that got no
        // sleep may serve one of these).
        expect(valid.some((a) => a.status === 503)).toBe(true);
        expect(atBound.filter((a) => a.path !== '/cpu/fib?n=1')).toEqual(
          refusedParameterRequests().map(([, path]) => ({
            path,
            status: 400,
            retryAfter: undefined,
            code: 'ERR_INVALID_PARAM',
          })),
        );

        const answers = await Promise.all(sleeps);
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
        const validShed = valid.filter((a) => a.status === 503).length;
        expect(metricSum(text, 'lab_shed_total', { reason: 'queue_full' })).toBe(
          shed.length + validShed,
        );
        // Its series now exist: each with `model` and `reason`.
        expect(
          metricsViolations(text, {
            model: target.model,
            families: ['lab_shed_total'],
            withSeries: ['lab_shed_total'],
          }),
        ).toEqual([]);
      } finally {
        await service.stop();
      }
    });

    it('counts exactly the requests it was sent, and exposes every contract metric', async () => {
      const service = await target.start({ ...ADMISSION_OFF, WORKERS: workers });
      try {
        const sent = { fib: 17, sleep: 9, notFound: 4 };
        const get = (path: string) => fetch(`${service.url}${path}`).then((r) => r.text());
        await Promise.all([
          ...Array.from({ length: sent.fib }, () => get('/cpu/fib?n=5')),
          ...Array.from({ length: sent.sleep }, () => get('/io/sleep?ms=2')),
          ...Array.from({ length: sent.notFound }, () => get('/nope')),
        ]);
        const text = await (await fetch(`${service.url}/metrics`)).text();
        const count = (route: string, status: string) =>
          metricSum(text, 'http_server_request_duration_seconds_count', {
            route,
            status_code: status,
          });
        expect(count('/cpu/fib', '200')).toBe(sent.fib);
        expect(count('/io/sleep', '200')).toBe(sent.sleep);
        expect(count('unmatched', '404')).toBe(sent.notFound);
        expect(
          metricsViolations(text, {
            model: target.model,
            families: [...COMMON_METRICS, ...(target.metrics ?? [])],
          }),
        ).toEqual([]);
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

    it('on SIGTERM finishes all 20 in-flight requests, refuses new connections, says it is not ready and exits 0', async () => {
      const service = await target.start({
        ...ADMISSION_OFF,
        WORKERS: workers,
        SHUTDOWN_TIMEOUT_MS: '15000',
      });
      const inFlight = Array.from({ length: 20 }, () =>
        fetch(`${service.url}/io/sleep?ms=2000`).then(async (r) => ({
          status: r.status,
          body: await r.text(),
        })),
      );
      // An upload held in flight by its last byte, on a connection the draining service keeps
      // (it is busy) and where nothing behind the body is read before the body ends: the way
      // to ask /readyz once new connections are refused.
      const png = tinyPng();
      const upload = await holdRequest(
        service.url,
        `POST /image/filter?filter=blur HTTP/1.1\r\nHost: t\r\nContent-Type: image/png\r\nContent-Length: ${png.length}\r\n\r\n`,
        png,
      );
      try {
        // Wait until the service reports the 21 requests in flight (and the scrape itself).
        await untilActiveRequests(service.url, 22, {
          what: 'the 21 requests to be in flight',
          everyMs: 50,
        });
        service.child.kill('SIGTERM');
        // New connections are refused while the 2 s requests still drain. Polled, not after a
        // fixed pause: cluster's primary closes its listener only once every worker has had
        // `shutdown` over IPC and closed its server, which a loaded machine can stretch.
        await until(
          () =>
            requestOnNewConnection(`${service.url}/healthz`).then(
              () => false,
              () => true,
            ),
          { what: 'new connections to be refused', timeoutMs: 1500, everyMs: 25 },
        );
        await expect(requestOnNewConnection(`${service.url}/healthz`)).rejects.toMatchObject({
          code: 'ECONNREFUSED',
        });
        // Readiness is 503 while draining (docs/contract.md, /readyz): asked behind the upload.
        // An error like every other: problem+json, `ERR_SHUTTING_DOWN`, with its Retry-After.
        const answers = await upload.release('GET /readyz HTTP/1.1\r\nHost: t\r\n\r\n');
        expect(answers.map((a) => (a.kind === 'answer' ? a.status : a))).toEqual([200, 503]);
        const readiness = answers[1];
        if (readiness?.kind !== 'answer') throw new Error('no /readyz answer');
        expect(problemBodyViolation(readiness.body, 503)).toBeUndefined();
        expect({
          type: readiness.headers['content-type'],
          code: (JSON.parse(readiness.body) as { code?: unknown }).code,
          retryAfter: readiness.headers['retry-after'],
        }).toEqual({
          type: expect.stringMatching(/^application\/problem\+json/),
          code: 'ERR_SHUTTING_DOWN',
          retryAfter: expect.stringMatching(/^\d+$/),
        });
      } finally {
        upload.abandon();
      }
      const answers = await Promise.all(inFlight);
      expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
      expect(await service.exited).toEqual({ code: 0, signal: null });
    }, 30_000);

    it('on SIGTERM answers the counter increments in flight, and the one waiting its turn, with 200', async () => {
      const service = await target.start({ ...ADMISSION_OFF, WORKERS: workers });
      // Two requests, so that one waits for the counter's turn while the other runs: on cluster
      // and hybrid every share goes through processes that are all draining by then.
      const increments = [1, 2].map(() =>
        fetch(`${service.url}/counter/increment?times=1000000&safe=false`, {
          method: 'POST',
        }).then(async (r) => ({ status: r.status, body: await r.text() })),
      );
      await untilActiveRequests(service.url, 3, {
        what: 'the 2 increments to be in flight',
        everyMs: 10,
      });
      service.child.kill('SIGTERM');
      const answers = await Promise.all(increments);
      expect(answers.map((a) => [a.status, a.status === 200 ? '' : a.body])).toEqual([
        [200, ''],
        [200, ''],
      ]);
      expect(await service.exited).toEqual({ code: 0, signal: null });
    }, 30_000);

    it('on SIGTERM exits 0 after whoever read its output has gone (its stdout broken)', async () => {
      const service = await target.start({ ...ADMISSION_OFF, WORKERS: workers });
      // What a parent killed with its process tree leaves: the read ends of the service's
      // stdout and stderr closed, so its next log line fails with EPIPE.
      service.child.stdout?.destroy();
      service.child.stderr?.destroy();
      // Killed after 10 s if it has not exited: a hang shows as SIGKILL, not as a timeout.
      expect(await service.stop('SIGTERM', 10_000)).toEqual({ code: 0, signal: null });
    }, 30_000);
  });
}
