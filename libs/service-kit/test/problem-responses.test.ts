import { beforeEach, describe, expect, it } from '@jest/globals';
import { expectProblem } from '@concurrency-lab/contract-testing';
import { DeadlineExceededError, ProblemError } from '../src/index';
import { memoryLogger, startedPerDescribe, StubRunner } from './support/harness';

const SECRET = 'secret-internal-detail-7f3a';

/** Asserts a 500 ERR_INTERNAL problem whose body does not give SECRET away. */
async function expectInternalWithoutSecret(response: Response): Promise<void> {
  const text = await response.clone().text();
  await expectProblem(response, 500, 'ERR_INTERNAL');
  expect(text).not.toContain(SECRET);
}

describe('errors thrown by the work, as HTTP answers', () => {
  /** What the runner throws, set by each test. */
  let failure: unknown;
  const runner = new StubRunner(async () => {
    throw failure;
  });
  const { logger, records } = memoryLogger('info');
  const started = startedPerDescribe({ runner, logger });
  const fib = () => fetch(`${started.base}/cpu/fib?n=1`);

  beforeEach(() => {
    records.length = 0;
  });

  it('turns a plain Error into 500 ERR_INTERNAL, with neither its message nor its stack in the body', async () => {
    failure = new Error(SECRET);
    await expectInternalWithoutSecret(await fib());
  });

  it('logs a 500 with its stack and the route template', async () => {
    failure = new Error(SECRET);
    await (await fib()).text();
    const errors = records.filter((r) => r['level'] === 50);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      msg: 'ERR_INTERNAL',
      route: '/cpu/fib',
      err: { stack: expect.stringContaining(SECRET) },
    });
  });

  it('keeps a registered code a runner attaches: ERR_WORKER_CRASHED is a 500 of its own', async () => {
    failure = Object.assign(new Error('worker 3 exited with code 1'), {
      code: 'ERR_WORKER_CRASHED',
    });
    await expectProblem(await fib(), 500, 'ERR_WORKER_CRASHED');
  });

  it('keeps a registered 4xx code from the workloads lib', async () => {
    failure = Object.assign(new Error('bad png'), { code: 'ERR_INVALID_IMAGE' });
    await expectProblem(await fib(), 400, 'ERR_INVALID_IMAGE');
    expect(records.filter((r) => r['level'] === 50)).toHaveLength(0);
  });

  it('treats an unregistered code as an internal error', async () => {
    failure = Object.assign(new Error(SECRET), { code: 'ECONNRESET' });
    await expectInternalWithoutSecret(await fib());
  });

  it('does not let a runner pass its own message off as ERR_INTERNAL detail', async () => {
    failure = Object.assign(new Error(SECRET), { code: 'ERR_INTERNAL' });
    await expectInternalWithoutSecret(await fib());
  });

  it.each([
    ['a string', SECRET],
    ['null', null],
    ['a number', 42],
    ['a plain object', { message: SECRET }],
  ])('turns a thrown non-Error (%s) into 500 ERR_INTERNAL', async (_label, thrown) => {
    failure = thrown;
    await expectInternalWithoutSecret(await fib());
  });

  it('answers a ProblemError as itself, with its Retry-After and headers', async () => {
    failure = new ProblemError('ERR_OVERLOADED', 'pool full', {
      retryAfterSeconds: 7,
      headers: { 'X-Test-Header': 'yes' },
    });
    const response = await fib();
    expect(response.headers.get('retry-after')).toBe('7');
    expect(response.headers.get('x-test-header')).toBe('yes');
    await expectProblem(response, 503, 'ERR_OVERLOADED');
  });

  it('counts a ProblemError shed reason in lab_shed_total', async () => {
    failure = new ProblemError('ERR_OVERLOADED', 'pool full', {
      retryAfterSeconds: 1,
      shedReason: 'pool_full',
    });
    await (await fib()).text();
    await (await fib()).text();
    const metrics = await (await fetch(`${started.base}/metrics`)).text();
    expect(metrics).toMatch(/^lab_shed_total\{[^}]*reason="pool_full"[^}]*\} 2$/m);
  });

  it('turns a DeadlineExceededError into 504 ERR_DEADLINE_EXCEEDED', async () => {
    failure = new DeadlineExceededError('too slow');
    await expectProblem(await fib(), 504, 'ERR_DEADLINE_EXCEEDED');
  });

  it.each([
    ['a 502', () => Object.assign(new Error('every page failed'), { code: 'ERR_UPSTREAM' }), 1],
    ['a 503', () => new ProblemError('ERR_OVERLOADED', 'pool full', { retryAfterSeconds: 1 }), 0],
    ['a 504', () => new DeadlineExceededError('too slow'), 0],
  ])('logs %s only if it is breakage, not load', async (_label, make, logged) => {
    failure = make();
    await (await fib()).text();
    expect(records.filter((r) => r['level'] === 50)).toHaveLength(logged);
  });

  it('keeps a client error a 4xx rather than a 500', async () => {
    failure = Object.assign(new Error('bad input'), { status: 400 });
    await expectProblem(await fib(), 400, 'ERR_INVALID_PARAM');
  });

  it.each([399, 500, 503])(
    'treats an error of status %p, not a 4xx, as internal',
    async (status) => {
      failure = Object.assign(new Error(SECRET), { status });
      await expectInternalWithoutSecret(await fib());
    },
  );

  it('keeps answering after failures', async () => {
    failure = new Error(SECRET);
    for (let i = 0; i < 3; i++) expect((await fib()).status).toBe(500);
    expect((await fetch(`${started.base}/healthz`)).status).toBe(200);
    expect(started.service.ctx.state.inFlightWork).toBe(0);
  });
});
