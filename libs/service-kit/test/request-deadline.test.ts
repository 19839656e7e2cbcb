import { describe, expect, it } from '@jest/globals';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { DeadlineClock, InlineRunner, ProblemError } from '../src/index';
import {
  liveTimersOf,
  timersSetBy,
  until,
  type LiveTimers,
} from '@concurrency-lab/launcher/testing';
import { sendInOneTurn, serviceFixture } from './support/harness';
import { thrown } from '@concurrency-lab/errors/testing';

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

    using late = timersSetBy(() => clock.start().sleep(10_000));
    // The control: the clock's timer and the sleep's, while it sleeps.
    expect(await late.pending()).toBe(2);
    // A 10 s sleep that rejects was cancelled: uncancelled, it would resolve.
    await expect(late.result).rejects.toMatchObject({ code: 'ERR_KIT_DEADLINE' });
    // Both the sleep's timer and the clock's are gone (a leaked 10 s sleep would stay).
    expect(await late.pending()).toBe(0);
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
    // A deadline no other timer of this process has, so the clock's one timer is followed by its
    // delay (the server arms it answering a request, where no call of this test leads). The
    // sleeps' own timers are left out: they end by themselves, and seen in the control they
    // would stand in for a clock timer the probe could not see.
    const requestTimeoutMs = 29_001;
    const { base } = await services.start({ config: { requestTimeoutMs } });
    using clockTimers = liveTimersOf(requestTimeoutMs);
    const answering = Promise.all(
      Array.from({ length: 20 }, (_, i) => fetch(`${base}/io/sleep?ms=${i % 5}`)),
    );
    // The control: while requests are in flight, the clock holds its one timer.
    await until(async () => (await clockTimers.pending()) === 1, {
      what: "the clock's timer while the requests are in flight",
      everyMs: 0,
    });
    const answers = await answering;
    expect(answers.map((r) => r.status)).toEqual(Array(20).fill(200));
    await Promise.all(answers.map((r) => r.text()));
    await until(async () => (await clockTimers.pending()) === 0, {
      what: "the clock's timer to be cleared",
      everyMs: 0,
    });
  });

  /**
   * A client waiting on a 10 s sleep, once the service holds its request (its timer is set, as
   * `sleeps`, following the 10 s timers, sees); `leave` aborts it.
   */
  async function sleepingClient(base: string, sleeps: LiveTimers) {
    const client = new AbortController();
    const request = fetch(`${base}/io/sleep?ms=10000`, { signal: client.signal }).catch(
      (error: unknown) => error,
    );
    await until(async () => (await sleeps.pending()) === 1, { what: 'one sleep timer' });
    return async () => {
      client.abort();
      return request;
    };
  }

  it('stops the sleep of a client that disconnects: its timer is cleared at once', async () => {
    const started = await services.start();
    using sleeps = liveTimersOf(10_000);
    const leave = await sleepingClient(started.base, sleeps);
    expect(await leave()).toMatchObject({ name: 'AbortError' });
    await until(() => started.service.ctx.state.inFlightWork === 0, {
      what: 'nothing in flight',
    });
    // Well before the 10 s sleep would end by itself: a timer left would end the wait too.
    await until(async () => (await sleeps.pending()) === 0, {
      what: 'no sleep timer',
      timeoutMs: 5_000,
    });
  });

  it('negative control: a sleep whose client stays is still waiting, its timer alive', async () => {
    const started = await services.start();
    using sleeps = liveTimersOf(10_000);
    const leave = await sleepingClient(started.base, sleeps);
    await delay(100);
    expect(started.service.ctx.state.inFlightWork).toBe(1);
    expect(await sleeps.pending()).toBe(1);
    await leave();
    await until(() => started.service.ctx.state.inFlightWork === 0, {
      what: 'nothing in flight',
    });
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
    using sleeps = liveTimersOf(60);
    const answer = fetch(`${base}/io/sleep?ms=60`);
    await until(async () => (await sleeps.pending()) === 1, { what: 'the sleep timer' });
    // Both the 60 ms sleep and the 600 ms deadline are due when the loop turns again; the
    // sleep's timer, due first, fires first and would answer before the clock's.
    block(700);
    const response = await answer;
    expect(response.status).toBe(504);
    expect(await response.json()).toMatchObject({ code: 'ERR_DEADLINE_EXCEEDED' });
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
