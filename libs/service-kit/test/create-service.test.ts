/**
 * The kit's own behaviour, in-process: what the contract leaves open (case-sensitive paths, every
 * method in Allow, random query strings, route labels) and what only the kit's insides show (the
 * lifecycle API's outcomes, in-flight accounting, the signal a runner is given). What the contract
 * says about every route's answer, the counter, problem codes, uploads and probes is checked once,
 * by `@concurrency-lab/contract-testing`, against every model's real process (their `e2e`).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { createServer } from 'node:http';
import pino from 'pino';
import { expectProblem } from '@concurrency-lab/contract-testing';
import { requestOnNewConnection } from '@concurrency-lab/launcher';
import { close, closedUrl, listen, until } from '@concurrency-lab/launcher/testing';
import { encodePng, generateTestImage } from '@concurrency-lab/workloads';
import { createService, InlineRunner, InLoopCounter, LIMITS, type WorkRunner } from '../src/index';
import {
  answersInOneTurn,
  rawConnection,
  requestCount,
  routeLabels,
  serviceFixture,
  startUpstream,
  StubRunner,
  testConfig,
  type Started,
  type Upstream,
} from './support/harness';

/** A run that never finishes on its own: it ends only when its signal aborts, with its reason. */
function stall(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

/** Every route template of the contract. */
const TEMPLATES = [
  '/cpu/fib',
  '/cpu/primes',
  '/image/filter',
  '/io/sleep',
  '/io/scrape',
  '/mixed',
  '/counter/increment',
  '/counter',
  '/healthz',
  '/readyz',
  '/metrics',
  '/info',
];

describe('a listening service', () => {
  const services = serviceFixture({ per: 'describe' });
  let upstream: Upstream;
  let base: string;
  let service: Started['service'];

  beforeAll(async () => {
    upstream = await startUpstream();
    ({ base, service } = await services.start({ config: { upstreamUrl: upstream.url } }));
  });

  afterAll(async () => {
    await upstream.close();
  });

  it('times an increment request’s wait for its turn as Server-Timing queue, not work', async () => {
    // Read in one turn, as from clients elsewhere (here the client shares the service's loop).
    // 40,000: 5,000 steps a lane, past the 4,096 after which a lane yields a macrotask turn;
    // fewer, a whole request ran in the microtasks after its socket's read, before the next
    // socket's request was even parsed.
    const increment = 'POST /counter/increment?times=40000&safe=true HTTP/1.1\r\n';
    const answers = await answersInOneTurn(
      service.server,
      Array<string>(3).fill(`${increment}Host: t\r\nConnection: close\r\n\r\n`),
    );
    const timings = answers.map((raw) => {
      const [, queue = NaN, work = NaN] = (
        /\r\nServer-Timing: queue;dur=([\d.]+), work;dur=([\d.]+)\r\n/.exec(raw) ?? []
      ).map(Number);
      return { queue, work };
    });
    const [first, , last] = [...timings].sort((a, b) => a.queue - b.queue);
    // The first served barely waited; the last waited for the rest of the first's turn and the
    // whole second one: here 0.9–1.9× a turn, and never under a quarter of one however the
    // turns' lengths vary (it read queue 0 before, every wait counted as work).
    expect(first?.queue).toBeLessThan(first?.work ?? 0);
    expect(last?.queue).toBeGreaterThan((first?.work ?? Infinity) / 4);
  });

  it('sends its security headers on every answer: work, a refusal, no route', async () => {
    const seen: unknown[][] = [];
    for (const path of ['/healthz', '/cpu/fib?n=1', '/cpu/fib?n=x', '/no/such/route']) {
      const res = await fetch(`${base}${path}`);
      await res.arrayBuffer();
      seen.push([
        res.status,
        res.headers.get('x-content-type-options'),
        res.headers.get('content-security-policy'),
        res.headers.get('cross-origin-resource-policy'),
      ]);
    }
    const headers = ['nosniff', "default-src 'none'; frame-ancestors 'none'", 'same-origin'];
    expect(seen).toEqual([200, 200, 400, 404].map((status) => [status, ...headers]));
  });

  describe('unknown routes and methods', () => {
    it('is case-sensitive about paths', async () => {
      await expectProblem(await fetch(`${base}/CPU/FIB?n=1`), 404, 'ERR_NOT_FOUND');
    });

    it('lists every method of a path in Allow', async () => {
      const response = await fetch(`${base}/counter`, { method: 'POST' });
      expect(response.headers.get('allow')?.split(', ').sort()).toEqual(['DELETE', 'GET', 'HEAD']);
      await expectProblem(response, 405, 'ERR_METHOD_NOT_ALLOWED');
    });

    it('takes one trailing slash as the router does, and more as no route at all', async () => {
      expect((await fetch(`${base}/healthz/`)).status).toBe(200);
      const post = await fetch(`${base}/healthz/`, { method: 'POST' });
      expect(post.headers.get('allow')).toBe('GET, HEAD');
      await expectProblem(post, 405, 'ERR_METHOD_NOT_ALLOWED');
      await expectProblem(await fetch(`${base}/healthz//`), 404, 'ERR_NOT_FOUND');
      await expectProblem(await fetch(`${base}/cpu/fib//?n=1`), 404, 'ERR_NOT_FOUND');
    });

    it('answers 405 with Allow: POST for a GET on the increment route', async () => {
      const response = await fetch(`${base}/counter/increment?times=1&safe=true`);
      expect(response.headers.get('allow')).toBe('POST');
      await expectProblem(response, 405, 'ERR_METHOD_NOT_ALLOWED');
    });
  });

  describe('a query of more than 1,000 pairs (node:querystring keeps 1,000 by default)', () => {
    /** 1,000 empty pairs: each `&` ends one, as node:querystring counts them. */
    const PAD = '&'.repeat(1000);

    it.each([
      ['an unknown key on /cpu/fib', 'GET', `/cpu/fib?n=5${PAD}bogus=1`, '`bogus`'],
      ['a repeated key on /cpu/fib', 'GET', `/cpu/fib?n=5${PAD}n=5`, 'Expected `n` once'],
      [
        'a repeated key on /counter/increment',
        'POST',
        `/counter/increment?times=5&safe=true${PAD}times=1000000`,
        'Expected `times` once',
      ],
      ['a key on /counter', 'GET', `/counter?${PAD}x=1`, '`x`'],
    ])('%s past them is seen and refused', async (_label, method, target, named) => {
      const response = await fetch(`${base}${target}`, { method });
      const problem = await expectProblem(response, 400, 'ERR_INVALID_PARAM');
      expect(problem.detail).toContain(named);
    });

    it('negative control: the same 1,000 empty pairs after a valid query are served', async () => {
      const response = await fetch(`${base}/cpu/fib?n=5${PAD}`);
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ result: 5 });
    });
  });

  describe('random query strings', () => {
    /** A small real PNG: an upload whose query is valid is filtered and answered 200. */
    const png = encodePng(generateTestImage(8));
    const WORK_ROUTES: Array<{
      method: string;
      path: string;
      statuses: number[];
      init?: RequestInit;
    }> = [
      { method: 'GET', path: '/cpu/fib', statuses: [200, 400] },
      { method: 'GET', path: '/cpu/primes', statuses: [200, 400] },
      { method: 'GET', path: '/image/filter', statuses: [200, 400] },
      // With an image, so that a valid query is answered: without one, the header checks
      // refuse it (400 ERR_INVALID_IMAGE), which a random query would hit now and then.
      {
        method: 'POST',
        path: '/image/filter',
        statuses: [200, 400],
        init: { headers: { 'content-type': 'image/png' }, body: png },
      },
      { method: 'GET', path: '/io/sleep', statuses: [200, 400] },
      { method: 'GET', path: '/io/scrape', statuses: [200, 400] },
      { method: 'GET', path: '/mixed', statuses: [200, 400] },
      { method: 'POST', path: '/counter/increment', statuses: [200, 400] },
      { method: 'GET', path: '/counter', statuses: [200, 400] },
      { method: 'DELETE', path: '/counter', statuses: [200, 400] },
    ];

    const key = fc.constantFrom(
      'n',
      'limit',
      'filter',
      'size',
      'ms',
      'pages',
      'times',
      'safe',
      'N',
      'x',
      '',
      '__proto__',
      'constructor',
    );
    // Valid values are kept small (fib ≤ 30, sleeps ≤ 30 ms) so a run stays quick.
    const value = fc.oneof(
      fc.integer({ min: -3, max: 30 }).map(String),
      fc.constantFrom(
        'blur',
        'grayscale',
        'true',
        'false',
        '1e3',
        '0x10',
        '+1',
        '01',
        '1.5',
        '',
        ' 1',
        '%',
        '%zz',
      ),
      fc.string({ maxLength: 8 }),
    );
    const structured = fc
      .array(fc.tuple(key, value), { maxLength: 4 })
      .map((pairs) =>
        pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'),
      );
    const query = fc.oneof(structured, fc.webQueryParameters(), fc.string({ maxLength: 16 }));

    it.each(WORK_ROUTES)(
      '$method $path answers only $statuses, never a 5xx',
      async ({ method, path, statuses, init }) => {
        await fc.assert(
          fc.asyncProperty(query, async (q) => {
            const response = await fetch(`${base}${path}?${q}`, { method, ...init });
            const text = await response.text();
            expect(statuses).toContain(response.status);
            if (response.status === 400)
              expect(JSON.parse(text)).toMatchObject({ code: 'ERR_INVALID_PARAM' });
          }),
          { numRuns: 60 },
        );
      },
    );
  });
});

describe('the work answer', () => {
  const services = serviceFixture();

  /** A runner that reports its work ran on thread 3 of process `pid` (undefined: this one). */
  const ranOn = (pid: number | undefined): WorkRunner => ({
    workers: 1,
    run: async () =>
      ({ result: 5, queueMs: 0.5, workMs: 1.25, threadId: 3, ...(pid ? { pid } : {}) }) as never,
    stats: () => ({ queued: 0, running: 0, size: 1, completed: 0, cancelled: 0, failed: 0 }),
    close: async () => undefined,
  });

  it.each([
    ['a pool child, the pid it reports', 4242, 4242],
    ['this process when it reports none', undefined, process.pid],
  ])('says where the work ran: %s', async (_label, reported, pid) => {
    const { base } = await services.start({ runner: ranOn(reported) });
    const res = await fetch(`${base}/cpu/fib?n=5`);
    expect(res.status).toBe(200);
    expect(res.headers.get('server-timing')).toBe('queue;dur=0.500, work;dur=1.250');
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toEqual({
      model: expect.any(String),
      pid,
      threadId: 3,
      result: 5,
      durationMs: expect.any(Number),
    });
    // Measured, from the request's start to its answer: above 0.
    expect(body['durationMs']).toBeGreaterThan(0);
  });
});

describe('metrics', () => {
  const services = serviceFixture();

  it('labels requests with the route template, never the raw URL', async () => {
    const { base } = await services.start();
    for (const url of [
      '/cpu/fib?n=3',
      '/cpu/fib?n=4',
      '/cpu/fib/?n=5',
      '/io/sleep?ms=2',
      '/cpu/fib?n=99',
    ]) {
      expect((await fetch(`${base}${url}`)).ok).toBe(url !== '/cpu/fib?n=99');
    }
    await fetch(`${base}/no/such/thing-123`);
    const text = await (await fetch(`${base}/metrics`)).text();

    expect(requestCount(text, { method: 'GET', route: '/cpu/fib', status_code: '200' })).toBe(3);
    expect(requestCount(text, { method: 'GET', route: '/cpu/fib', status_code: '400' })).toBe(1);
    expect(requestCount(text, { method: 'GET', route: '/io/sleep', status_code: '200' })).toBe(1);
    expect(requestCount(text, { method: 'GET', route: 'unmatched', status_code: '404' })).toBe(1);
    for (const label of routeLabels(text)) expect([...TEMPLATES, 'unmatched']).toContain(label);
    expect(text).not.toContain('thing-123');
    expect(text).not.toContain('n=3');
  });

  it('renders a burst of scrapes a few times, not once each: those that wait share the next', async () => {
    const asked: string[] = [];
    const { port } = await services.start({
      // A rendering that takes a while, as a cluster's call to its primary does.
      metricsProvider: async (accept) => {
        const rendering = asked.push(accept ?? 'none');
        await new Promise((resolve) => setTimeout(resolve, 50));
        return { contentType: 'text/plain; version=0.0.4', body: `rendering ${rendering}` };
      },
    });
    const scrape = (accept: string) =>
      fetch(`http://127.0.0.1:${port}/metrics`, { headers: { accept } }).then(async (r) => ({
        status: r.status,
        body: await r.text(),
      }));
    const answers = await Promise.all([
      ...Array.from({ length: 60 }, () => scrape('text/plain')),
      ...Array.from({ length: 60 }, () => scrape('application/openmetrics-text')),
    ]);
    expect(answers.every((a) => a.status === 200 && a.body.startsWith('rendering '))).toBe(true);
    // Each rendering is shared by every scrape of its format that arrived while the one before
    // it ran: a handful for 120 scrapes (one each, without sharing).
    expect(asked.length).toBeLessThan(20);
    expect(new Set(answers.map((a) => a.body)).size).toBe(asked.length);
    // Control: a scrape after the burst is rendered anew.
    const after = await scrape('text/plain');
    expect(after.body).toBe(`rendering ${asked.length}`);
  });
});

describe('readiness and graceful shutdown', () => {
  const services = serviceFixture();

  it('answers /readyz 503 ERR_SHUTTING_DOWN "starting" until listen() completes, then 200', async () => {
    const service = services.adopt(
      createService({
        model: 'test',
        config: testConfig(),
        runtime: { runner: new InlineRunner(), counter: new InLoopCounter() },
        logger: pino({ level: 'silent' }),
      }),
    );
    // The app itself, served by a separate server before the service's own server listens.
    const probe = createServer(service.app);
    const probeUrl = await listen(probe);
    try {
      const early = await fetch(`${probeUrl}/readyz`);
      expect(early.headers.get('retry-after')).toBe('1');
      const problem = await expectProblem(early, 503, 'ERR_SHUTTING_DOWN');
      expect(problem.detail).toMatch(/starting/);
    } finally {
      await close(probe);
    }
    const { port } = await service.listen();
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(200);
  });

  it('lets in-flight requests finish, turns not-ready, serves late work with Connection: close, refuses new connections, and resolves clean', async () => {
    const events: string[] = [];
    const runner = new (class extends InlineRunner {
      override async close(): Promise<void> {
        events.push(`runner.close inFlight=${started.service.ctx.state.inFlightWork}`);
        await super.close();
      }
    })();
    const started = await services.start({
      runner,
      close: async () => {
        events.push('runtime.close');
      },
    });
    const { service, port, base } = started;

    const first = rawConnection(port);
    const second = rawConnection(port);
    first.send('/io/sleep?ms=300');
    second.send('/io/sleep?ms=300');
    await until(() => service.ctx.state.inFlightWork === 2, { what: '2 in flight' });

    const outcome = service.shutdown();
    expect(service.shutdown()).toBe(outcome); // idempotent: one drain, one answer
    // Pipelined behind the in-flight requests, on connections that are still open.
    first.send('/readyz');
    second.send('/io/sleep?ms=1');
    await expect(requestOnNewConnection(`${base}/healthz`)).rejects.toMatchObject({
      code: 'ECONNREFUSED',
    });

    const [onFirst, onSecond] = await Promise.all([first.responses, second.responses]);
    expect(onFirst?.map((r) => r.status)).toEqual([200, 503]);
    expect(JSON.parse(onFirst?.[0]?.body ?? '')).toMatchObject({ result: { sleptMs: 300 } });
    // Not ready is an error like every other: problem+json (docs/contract.md, Errors).
    expect(onFirst?.[1]?.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(JSON.parse(onFirst?.[1]?.body ?? '')).toMatchObject({
      status: 503,
      code: 'ERR_SHUTTING_DOWN',
      detail: expect.stringMatching(/draining/),
    });
    expect(onFirst?.[1]?.headers['retry-after']).toBe('1');

    // Early in the drain, work that still arrives is served, and its connection closed.
    expect(onSecond?.map((r) => r.status)).toEqual([200, 200]);
    expect(onSecond?.[1]?.headers['connection']).toBe('close');
    expect(JSON.parse(onSecond?.[1]?.body ?? '')).toMatchObject({ result: { sleptMs: 1 } });

    await expect(outcome).resolves.toBe('clean');
    expect(events).toEqual(['runner.close inFlight=0', 'runtime.close']);
  });

  it('refuses new work with 503 ERR_SHUTTING_DOWN in the second half of the shutdown budget', async () => {
    const { service, port } = await services.start({ config: { shutdownTimeoutMs: 2000 } });
    const connection = rawConnection(port);
    // In flight until the pipelined request below has come: a few turns; 400 ms is ample.
    connection.send('/io/sleep?ms=400');
    await until(() => service.ctx.state.inFlightWork === 1, { what: '1 in flight' });
    const before = performance.now();
    const outcome = service.shutdown();
    const after = performance.now();
    // The second half of the 2000 ms budget begins 1000 ms into the drain.
    expect(service.ctx.state.refuseNewWorkAt).toBeGreaterThanOrEqual(before + 1000);
    expect(service.ctx.state.refuseNewWorkAt).toBeLessThanOrEqual(after + 1000);
    // Past half the budget, pipelined work on the open connection is refused.
    service.ctx.state.refuseNewWorkAt = 0;
    connection.send('/io/sleep?ms=1');
    const responses = await connection.responses;
    expect(responses?.map((r) => r.status)).toEqual([200, 503]);
    expect(responses?.[1]?.headers['retry-after']).toBe('1');
    expect(JSON.parse(responses?.[1]?.body ?? '')).toMatchObject({
      status: 503,
      code: 'ERR_SHUTTING_DOWN',
    });
    await expect(outcome).resolves.toBe('clean');
  });

  it('resolves "timeout" and cuts the connection when in-flight work outlives shutdownTimeoutMs', async () => {
    const { service, base } = await services.start({ config: { shutdownTimeoutMs: 100 } });
    const slow = fetch(`${base}/io/sleep?ms=10000`).then(
      (response) => response.status,
      (error: unknown) => error,
    );
    await until(() => service.ctx.state.inFlightWork === 1, { what: '1 in flight' });
    await expect(service.shutdown()).resolves.toBe('timeout');
    // fetch failed (a TypeError from undici's realm): the socket was closed, no answer came.
    expect(await slow).toMatchObject({ name: 'TypeError' });
    await until(() => service.ctx.state.inFlightWork === 0, { what: '0 in flight' });
  });

  it('negative control: the same shutdown resolves "clean" when the work fits in the budget', async () => {
    const { service, base } = await services.start({ config: { shutdownTimeoutMs: 10_000 } });
    const slow = fetch(`${base}/io/sleep?ms=50`).then((response) => response.status);
    await until(() => service.ctx.state.inFlightWork === 1, { what: '1 in flight' });
    await expect(service.shutdown()).resolves.toBe('clean');
    expect(await slow).toBe(200);
  });

  it('resolves "clean" when shut down before it ever listened, and closes the runner', async () => {
    const runner = new InlineRunner();
    const service = createService({
      model: 'test',
      config: testConfig(),
      runtime: { runner, counter: new InLoopCounter() },
      logger: pino({ level: 'silent' }),
    });
    await expect(service.shutdown()).resolves.toBe('clean');
    await expect(
      runner.run({ kind: 'fib', n: 1 }, { signal: new AbortController().signal }),
    ).rejects.toBeInstanceOf(Error);
  });

  it('rejects listen() on a port that is taken', async () => {
    const first = await services.start();
    const second = services.adopt(
      createService({
        model: 'test',
        config: testConfig({ port: first.port }),
        runtime: { runner: new InlineRunner(), counter: new InLoopCounter() },
        logger: pino({ level: 'silent' }),
      }),
    );
    await expect(second.listen()).rejects.toMatchObject({ code: 'EADDRINUSE' });
  });
});

/**
 * One work request (a 10 s sleep) held in flight on `started`, until `release` aborts it; then it
 * resolves `'aborted'`.
 */
async function holdOneRequest(started: Started): Promise<{ release(): Promise<unknown> }> {
  const hold = new AbortController();
  const held = fetch(`${started.base}/io/sleep?ms=10000`, { signal: hold.signal }).catch(
    () => 'aborted',
  );
  await until(() => started.service.ctx.state.inFlightWork === 1, { what: '1 in flight' });
  return {
    release: () => {
      hold.abort();
      return held;
    },
  };
}

describe('limits', () => {
  const services = serviceFixture();

  it('answers 504 ERR_DEADLINE_EXCEEDED past the request deadline and keeps serving', async () => {
    const started = await services.start({ config: { requestTimeoutMs: 100 } });
    const problem = await expectProblem(
      await fetch(`${started.base}/io/sleep?ms=5000`),
      504,
      'ERR_DEADLINE_EXCEEDED',
    );
    // The detail the contract's problem carries, not the kit's internal error's message.
    expect(problem.detail).toBe(
      'The request did not complete within its deadline of 100 ms; its work was cancelled',
    );
    expect((await fetch(`${started.base}/io/sleep?ms=1`)).status).toBe(200);
    expect(started.service.ctx.state.inFlightWork).toBe(0);
  });

  it('cancels the work of a request whose deadline passed, through the signal it was given', async () => {
    const runner = new StubRunner(stall);
    const started = await services.start({ runner, config: { requestTimeoutMs: 100 } });
    // The client-side timeout only turns a hang (work never cancelled) into a prompt failure.
    const response = await fetch(`${started.base}/cpu/fib?n=1`, {
      signal: AbortSignal.timeout(10_000),
    });
    await expectProblem(response, 504, 'ERR_DEADLINE_EXCEEDED');
    expect(runner.signals).toHaveLength(1);
    expect(runner.signals[0]?.aborted).toBe(true);
    expect(runner.signals[0]?.reason).toMatchObject({
      name: 'DeadlineExceededError',
      code: 'ERR_KIT_DEADLINE',
    });
  });

  it('cancels the work of a request whose client went away', async () => {
    const runner = new StubRunner(stall);
    const started = await services.start({ runner });
    const client = new AbortController();
    const request = fetch(`${started.base}/cpu/fib?n=1`, { signal: client.signal }).catch(
      (error: unknown) => error,
    );
    await until(() => runner.signals.length === 1, { what: 'the run to start' });
    client.abort();
    await request;
    await until(() => runner.signals[0]?.aborted === true, { what: 'the abort' });
    expect(runner.signals[0]?.reason).toMatchObject({ name: 'ClientGoneError' });
    await until(() => started.service.ctx.state.inFlightWork === 0, { what: '0 in flight' });
  });

  it('sheds with 503 ERR_OVERLOADED and Retry-After once maxQueue work requests are in flight', async () => {
    const started = await services.start({ config: { maxQueue: 1 } });
    const { service, base } = started;
    const held = await holdOneRequest(started);

    const shed = await fetch(`${base}/cpu/fib?n=1`);
    expect(shed.headers.get('retry-after')).toBe('1');
    await expectProblem(shed, 503, 'ERR_OVERLOADED');
    // Probes are not work: still answered.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(metrics).toMatch(/^lab_shed_total\{[^}]*reason="queue_full"[^}]*\} 1$/m);

    expect(await held.release()).toBe('aborted');
    await until(() => service.ctx.state.inFlightWork === 0, { what: '0 in flight' });
    expect((await fetch(`${base}/cpu/fib?n=1`)).status).toBe(200);
  });

  it.each([
    ['GET', '/cpu/fib?n=abc'],
    ['GET', '/cpu/primes?limit=1'],
    ['GET', '/image/filter?filter=nope&size=16'],
    ['POST', '/image/filter?filter=nope'],
    ['GET', '/io/sleep?ms=1&x=1'],
    ['GET', '/io/scrape?pages=0'],
    ['GET', '/mixed?ms=1&n=1&n=2'],
    ['POST', '/counter/increment?times=0'],
  ])(
    'answers %s %s 400 even at the bound: a 503 would invite a retry that cannot succeed',
    async (method, url) => {
      const started = await services.start({ config: { maxQueue: 1 } });
      const held = await holdOneRequest(started);
      await expectProblem(
        await fetch(`${started.base}${url}`, { method }),
        400,
        'ERR_INVALID_PARAM',
      );
      const metrics = await (await fetch(`${started.base}/metrics`)).text();
      expect(metrics).not.toMatch(/^lab_shed_total\{[^}]*\} [1-9]/m);
      // Control: a valid request at the same bound is shed.
      await expectProblem(await fetch(`${started.base}/cpu/fib?n=1`), 503, 'ERR_OVERLOADED');
      await held.release();
    },
  );

  it('negative control: with room for two, the same second request is admitted', async () => {
    const started = await services.start({ config: { maxQueue: 2 } });
    const held = await holdOneRequest(started);
    expect((await fetch(`${started.base}/cpu/fib?n=1`)).status).toBe(200);
    await held.release();
  });

  it('answers 502 ERR_UPSTREAM when every page fails', async () => {
    const started = await services.start({
      config: { upstreamUrl: await closedUrl() },
    });
    await expectProblem(await fetch(`${started.base}/io/scrape?pages=2`), 502, 'ERR_UPSTREAM');
  });

  it('answers 502 ERR_UPSTREAM when the only page asked for fails (pages=1)', async () => {
    const started = await services.start({
      config: { upstreamUrl: await closedUrl() },
    });
    await expectProblem(await fetch(`${started.base}/io/scrape?pages=1`), 502, 'ERR_UPSTREAM');
  });

  it('answers 200 with the failed page’s error when only some pages fail', async () => {
    const upstream = await startUpstream({ failing: [2] });
    try {
      const started = await services.start({ config: { upstreamUrl: upstream.url } });
      const res = await fetch(`${started.base}/io/scrape?pages=2`);
      expect(res.status).toBe(200);
      const body = (await res.json()) as { result: unknown };
      expect(body.result).toEqual([
        { url: `${upstream.url}/page/1`, title: 'Page 1' },
        {
          url: `${upstream.url}/page/2`,
          error: { code: 'ERR_UPSTREAM_STATUS', detail: 'upstream answered 500' },
        },
      ]);
    } finally {
      await upstream.close();
    }
  });
});

describe('probes', () => {
  const services = serviceFixture();

  it('answers /healthz 200 {"status":"ok"}', async () => {
    const { base } = await services.start();
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('reports the runtime’s workers in /info, not config.workers, when the two differ', async () => {
    // WORKERS is what was asked for; the runtime says what runs (the async model runs 1 whatever
    // WORKERS says). The inline runner runs 1; the config asks for 4.
    const { base } = await services.start({ config: { workers: 4 }, runner: new InlineRunner() });
    const info = (await (await fetch(`${base}/info`)).json()) as { workers: number };
    expect(info.workers).toBe(1);
  });

  it('reports every contract limit in /info.limits, beside the configured ones', async () => {
    const { base } = await services.start({ config: { maxQueue: 7, requestTimeoutMs: 1234 } });
    const info = (await (await fetch(`${base}/info`)).json()) as { limits: object };
    expect(info.limits).toEqual({
      maxQueue: 7,
      requestTimeoutMs: 1234,
      shutdownTimeoutMs: expect.any(Number),
      admission: expect.any(Object),
      ...LIMITS,
    });
  });
});
