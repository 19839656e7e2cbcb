import { describe, expect, it } from '@jest/globals';
import { threadId } from 'node:worker_threads';
import { InlineRunner, runCpuTask } from '../src/index';

const never = () => new AbortController().signal;

describe('InlineRunner', () => {
  it('runs a task on the calling thread and reports where and how long', async () => {
    const runner = new InlineRunner();
    const outcome = await runner.run({ kind: 'fib', n: 20 }, { signal: never() });
    expect(outcome.result).toBe(6765);
    expect(outcome.threadId).toBe(threadId);
    expect(outcome.queueMs).toBeGreaterThanOrEqual(0);
    expect(outcome.workMs).toBeGreaterThanOrEqual(0);
    expect(runner.stats()).toEqual({
      queued: 0,
      running: 0,
      size: 1,
      completed: 1,
      cancelled: 0,
      failed: 0,
    });
  });

  it('gives the same results as runCpuTask for every task kind it can build from a query', async () => {
    const runner = new InlineRunner();
    for (const task of [
      { kind: 'fib', n: 15 },
      { kind: 'primes', limit: 1000 },
      { kind: 'filter-generated', filter: 'emboss', size: 16 },
    ] as const) {
      expect((await runner.run(task, { signal: never() })).result).toEqual(runCpuTask(task));
    }
  });

  it('does not start a task whose signal already aborted, and rejects with the reason', async () => {
    const runner = new InlineRunner();
    const reason = new Error('deadline passed');
    await expect(
      runner.run({ kind: 'fib', n: 30 }, { signal: AbortSignal.abort(reason) }),
    ).rejects.toBe(reason);
    expect(runner.stats()).toMatchObject({ completed: 0, cancelled: 1, queued: 0, running: 0 });
  });

  it('cancels a task aborted while it waits for its turn', async () => {
    const runner = new InlineRunner();
    const controller = new AbortController();
    const reason = new Error('client went away');
    const pending = runner.run({ kind: 'fib', n: 30 }, { signal: controller.signal });
    expect(runner.stats().queued).toBe(1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expect(runner.stats()).toMatchObject({ completed: 0, cancelled: 1, queued: 0 });
  });

  it('counts a task that throws as failed, and rethrows its error', async () => {
    const runner = new InlineRunner();
    await expect(runner.run({ kind: 'fib', n: -1 }, { signal: never() })).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_INVALID_ARGUMENT',
    });
    expect(runner.stats()).toMatchObject({ failed: 1, completed: 0, running: 0 });
  });

  it('estimates the work queued on its loop from the tasks it ran (a moving average)', async () => {
    const runner = new InlineRunner();
    expect(runner.pendingLoopWorkMs()).toBe(0); // nothing queued, nothing known
    const outcomes = [];
    for (let i = 0; i < 5; i++)
      outcomes.push(await runner.run({ kind: 'fib', n: 25 }, { signal: never() }));
    const queued = [1, 2, 3].map(() => runner.run({ kind: 'fib', n: 25 }, { signal: never() }));
    const estimate = runner.pendingLoopWorkMs();
    // Three tasks queued, each worth the average of the ones that ran.
    const slowest = Math.max(...outcomes.map((o) => o.workMs));
    expect(estimate).toBeGreaterThan(0);
    expect(estimate).toBeLessThanOrEqual(3 * slowest);
    await Promise.all(queued);
    expect(runner.pendingLoopWorkMs()).toBe(0);
  });

  it('refuses work once closed', async () => {
    const runner = new InlineRunner();
    await runner.close();
    await expect(runner.run({ kind: 'fib', n: 1 }, { signal: never() })).rejects.toBeInstanceOf(
      Error,
    );
    expect(runner.stats().completed).toBe(0);
  });
});
