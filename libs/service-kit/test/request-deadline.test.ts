import { describe, expect, it } from '@jest/globals';
import { createHook } from 'node:async_hooks';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { DeadlineClock, InlineRunner, ProblemError } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { sendInOneTurn, serviceFixture } from './support/harness';
import { thrown } from '@concurrency-lab/errors/testing';

/** Timers keeping this process alive, as node reports them (the clock's own timer is unref'd). */
const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

/**
 * The live timers of exactly `ms` in this process, followed through async_hooks from their
 * creation to their end (cleared or fired). Unlike the count of every active timer, no other
 * timer - jest's, a keep-alive socket's - can move it, so a test can wait for it to rise or fall.
 */
function liveTimersOf(ms: number): { readonly count: number; stop(): void } {
  const live = new Set<number>();
  const hook = createHook({
    init(id, type, _trigger, resource) {
      if (type === 'Timeout' && (resource as { _idleTimeout?: number })._idleTimeout === ms)
        live.add(id);
    },
    destroy(id) {
      live.delete(id);
    },
  }).enable();
  return {
    get count() {
      return live.size;
    },
    stop: () => hook.disable(),
  };
}

describe('DeadlineClock: one timer for every request in flight', () => {
  it('aborts a request past its deadline with ERR_KIT_DEADLINE; check() then throws the 504 problem', async () => {
    const clock = new DeadlineClock(20);
    const deadline = clock.start();
    const { signal } = deadline;
    expect(signal.aborted).toBe(false);
    expect(thrown(() => deadline.check())).toBeUndefined();
    await once(signal, 'abort');
    expect(signal.reason).toMatchObject({
      name: 'DeadlineExceededError',
      code: 'ERR_KIT_DEADLINE',
    });
    const problem = thrown(() => deadline.check());
    expect(problem).toBeInstanceOf(ProblemError);
    expect(problem).toMatchObject({ code: 'ERR_DEADLINE_EXCEEDED', status: 504 });
    // Expired and untracked: nothing left scheduled.
    expect(clock.size).toBe(0);
    expect(clock.armed).toBe(false);
  });

  it('hands work that asks after the deadline passed a signal that is already aborted', async () => {
    const clock = new DeadlineClock(10);
    const deadline = clock.start();
    await delay(40);
    expect(clock.size).toBe(0);
    expect(deadline.signal.aborted).toBe(true);
    expect(deadline.signal.reason).toMatchObject({ code: 'ERR_KIT_DEADLINE' });
  });

  it('expires each request at its own deadline, under the one timer', async () => {
    // Far apart (300 ms), so a loaded machine's stall does not expire both at one firing.
    const clock = new DeadlineClock(600);
    const first = clock.start();
    await delay(300);
    const second = clock.start();
    if (!first.signal.aborted) await once(first.signal, 'abort');
    // The second request has ~300 ms left: still alive, still tracked, the timer re-armed for it.
    expect(second.signal.aborted).toBe(false);
    expect(clock.size).toBe(1);
    expect(clock.armed).toBe(true);
    await once(second.signal, 'abort');
    expect(performance.now()).toBeGreaterThanOrEqual(second.at);
    expect(clock.armed).toBe(false);
  });

  it('aborts the work of a client that left with ERR_KIT_CLIENT_GONE', () => {
    const clock = new DeadlineClock(10_000);
    const deadline = clock.start();
    const { signal } = deadline;
    clock.finish(deadline, true);
    expect(signal.aborted).toBe(true);
    expect(signal.reason).toMatchObject({ name: 'ClientGoneError', code: 'ERR_KIT_CLIENT_GONE' });
    expect(clock.armed).toBe(false);
  });

  it('negative control: a request that finished in time aborts nothing and leaves no timer', async () => {
    const clock = new DeadlineClock(20);
    const deadline = clock.start();
    const { signal } = deadline;
    expect(clock.armed).toBe(true);
    clock.finish(deadline, false);
    expect(clock.armed).toBe(false);
    expect(clock.size).toBe(0);
    await delay(50);
    expect(signal.aborted).toBe(false);
  });

  it('sleeps when in time, and stops sleeping (timer cleared) when the deadline passes', async () => {
    const clock = new DeadlineClock(30);
    const inTime = clock.start();
    await expect(inTime.sleep(5)).resolves.toBeUndefined();
    clock.finish(inTime, false);

    const before = timers();
    const late = clock.start();
    // A 10 s sleep that rejects was cancelled: uncancelled, it would resolve.
    await expect(late.sleep(10_000)).rejects.toMatchObject({ code: 'ERR_KIT_DEADLINE' });
    // Both the sleep's timer and the clock's are gone. (At most `before`: a timer of someone
    // else's - jest's, a keep-alive socket's - may end meanwhile; a leaked 10 s sleep stays.)
    await until(() => timers() <= before, { what: 'its timers to be cleared', everyMs: 0 });
    expect(timers()).toBeLessThanOrEqual(before);
    expect(clock.armed).toBe(false);
  });

  it('rejects a race as soon as the request dies, even if the work ignores every signal', async () => {
    const clock = new DeadlineClock(10_000);
    const deadline = clock.start();
    const deaf = new Promise<number>(() => undefined);
    const raced = deadline.race(deaf);
    clock.finish(deadline, true);
    await expect(raced).rejects.toMatchObject({ code: 'ERR_KIT_CLIENT_GONE' });
    // A race that starts after the request died fails at once.
    await expect(deadline.race(Promise.resolve(1))).rejects.toMatchObject({
      code: 'ERR_KIT_CLIENT_GONE',
    });
    // Negative control: work that settles first wins the race.
    const other = clock.start();
    await expect(other.race(Promise.resolve(42))).resolves.toBe(42);
    clock.finish(other, false);
  });
});

describe('a service under its deadlines (real server)', () => {
  const services = serviceFixture();

  it('leaves no timer behind once its answers are sent', async () => {
    const { base } = await services.start();
    const before = timers();
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(`${base}/io/sleep?ms=${i % 5}`)),
    );
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    await Promise.all(answers.map((r) => r.text()));
    await until(() => timers() <= before, { what: 'its timers to be cleared', everyMs: 0 });
    expect(timers()).toBeLessThanOrEqual(before);
  });

  /** A client waiting on a 10 s sleep, once the service holds its request (its timer is set). */
  async function sleepingClient(base: string) {
    const sleeps = liveTimersOf(10_000);
    const client = new AbortController();
    const request = fetch(`${base}/io/sleep?ms=10000`, { signal: client.signal }).catch(
      (error: unknown) => error,
    );
    await until(() => sleeps.count === 1, { what: 'one sleep timer' });
    return {
      sleeps,
      leave: async () => {
        client.abort();
        return request;
      },
    };
  }

  it('stops the sleep of a client that disconnects: its timer is cleared at once', async () => {
    const started = await services.start();
    const { sleeps, leave } = await sleepingClient(started.base);
    try {
      expect(await leave()).toMatchObject({ name: 'AbortError' });
      await until(() => started.service.ctx.state.inFlightWork === 0, {
        what: 'nothing in flight',
      });
      await until(() => sleeps.count === 0, { what: 'no sleep timer' });
      expect(sleeps.count).toBe(0);
    } finally {
      sleeps.stop();
    }
  });

  it('negative control: a sleep whose client stays is still waiting, its timer alive', async () => {
    const started = await services.start();
    const { sleeps, leave } = await sleepingClient(started.base);
    try {
      await delay(100);
      expect(started.service.ctx.state.inFlightWork).toBe(1);
      expect(sleeps.count).toBe(1);
      await leave();
      await until(() => started.service.ctx.state.inFlightWork === 0, {
        what: 'nothing in flight',
      });
    } finally {
      sleeps.stop();
    }
  });

  /** Keeps this thread — the service's event loop — busy for `ms`. */
  function block(ms: number): void {
    const end = performance.now() + ms;
    while (performance.now() < end) {
      // spinning is the point
    }
  }

  // A 60 ms sleep under a 600 ms deadline: the 540 ms between is what the negative control has
  // to spare on a loaded machine (with 40 ms, at load ~6, it was answered 504).
  it('answers a sleep that ends past its deadline 504, not 200 (the loop was held meanwhile)', async () => {
    const { base } = await services.start({ config: { requestTimeoutMs: 600 } });
    const sleeps = liveTimersOf(60);
    try {
      const answer = fetch(`${base}/io/sleep?ms=60`);
      await until(() => sleeps.count === 1, { what: 'the sleep timer' });
      // Both the 60 ms sleep and the 600 ms deadline are due when the loop turns again; the
      // sleep's timer, due first, fires first and would answer before the clock's.
      block(700);
      const response = await answer;
      expect(response.status).toBe(504);
      expect(await response.json()).toMatchObject({ code: 'ERR_DEADLINE_EXCEEDED' });
    } finally {
      sleeps.stop();
    }
  });

  it('negative control: the same sleep on a free loop answers 200', async () => {
    const { base } = await services.start({ config: { requestTimeoutMs: 600 } });
    const response = await fetch(`${base}/io/sleep?ms=60`);
    expect(response.status).toBe(200);
    await response.text();
  });

  const fib34 = 'GET /cpu/fib?n=34 HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n';

  // fib(34) holds the loop for well over 30 ms: once the first ends, every deadline is past.
  // With a deadline to spare (the negative control) the same burst all runs.
  it.each([
    [
      'never starts CPU work of a burst whose deadline passed while earlier work held the loop',
      30,
      504,
      1,
    ],
    ['negative control: with a deadline to spare the same burst all runs', 30_000, 200, 4],
  ])('%s', async (_name, requestTimeoutMs, status, completed) => {
    const runner = new InlineRunner();
    const { service } = await services.start({ runner, config: { requestTimeoutMs } });
    const statuses = await sendInOneTurn(service.server, [fib34, fib34, fib34, fib34]);
    expect(statuses).toEqual([status, status, status, status]);
    expect(runner.stats()).toMatchObject({ completed, cancelled: 4 - completed });
  });
});
