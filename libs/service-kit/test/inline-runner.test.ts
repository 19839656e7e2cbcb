import { useEnv } from '@concurrency-lab/launcher/testing';
import { WORKLOAD_ENV } from '@concurrency-lab/workloads';
import { describe, expect, it } from '@jest/globals';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import { InlineRunner, runCpuTask } from '../src/index';

const never = () => new AbortController().signal;

/** Asserts the runner is idle, nothing queued or running, with these totals. */
function expectIdle(
  runner: InlineRunner,
  totals: { completed: number; cancelled: number; failed: number },
): void {
  expect(runner.stats()).toEqual({ queued: 0, running: 0, size: 1, ...totals });
}

describe('InlineRunner', () => {
  it('runs a task on the calling thread and reports where and how long', async () => {
    const runner = new InlineRunner();
    const outcome = await runner.run({ kind: 'fib', n: 20 }, { signal: never() });
    expect(outcome.result).toBe(6765);
    expect(outcome.threadId).toBe(threadId);
    expect(outcome.queueMs).toBeGreaterThanOrEqual(0);
    expect(outcome.workMs).toBeGreaterThanOrEqual(0);
    expectIdle(runner, { completed: 1, cancelled: 0, failed: 0 });
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
    expectIdle(runner, { completed: 0, cancelled: 1, failed: 0 });
  });

  it('cancels a task aborted while it waits for its turn', async () => {
    const runner = new InlineRunner();
    const controller = new AbortController();
    const reason = new Error('client went away');
    const pending = runner.run({ kind: 'fib', n: 30 }, { signal: controller.signal });
    expect(runner.stats().queued).toBe(1);
    controller.abort(reason);
    await expect(pending).rejects.toBe(reason);
    expectIdle(runner, { completed: 0, cancelled: 1, failed: 0 });
  });

  it('counts a task that throws as failed, and rethrows its error', async () => {
    const runner = new InlineRunner();
    await expect(runner.run({ kind: 'fib', n: -1 }, { signal: never() })).rejects.toMatchObject({
      code: 'ERR_WORKLOAD_INVALID_ARGUMENT',
    });
    expectIdle(runner, { completed: 0, cancelled: 0, failed: 1 });
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

  it('does not start a task whose deadline passed while it waited behind another task of its turn', async () => {
    const runner = new InlineRunner();
    // fib(32) takes well over a millisecond anywhere; no timer can fire between the tasks of
    // one turn, so the signals of the later two never abort: only their deadline says so.
    const deadlineAt = performance.now() + 1;
    const first = runner.run({ kind: 'fib', n: 32 }, { signal: never() });
    const late = [1, 2].map(() =>
      runner.run({ kind: 'fib', n: 32 }, { signal: never(), deadlineAt }),
    );
    await expect(first).resolves.toMatchObject({ result: 2_178_309 });
    for (const task of late) {
      await expect(task).rejects.toMatchObject({
        name: 'DeadlineExceededError',
        code: 'ERR_KIT_DEADLINE',
      });
    }
    expectIdle(runner, { completed: 1, cancelled: 2, failed: 0 });
  });

  it('negative control: the same tasks with a deadline still ahead all run', async () => {
    const runner = new InlineRunner();
    const deadlineAt = performance.now() + 60_000;
    const runs = [1, 2, 3].map(() =>
      runner.run({ kind: 'fib', n: 32 }, { signal: never(), deadlineAt }),
    );
    for (const run of runs) await expect(run).resolves.toMatchObject({ result: 2_178_309 });
    expectIdle(runner, { completed: 3, cancelled: 0, failed: 0 });
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

describe("InlineRunner: the work queued on its loop, with an operator's async workload", () => {
  // The runner loads the workload itself from the environment, as a service's runner does.
  useEnv(WORKLOAD_ENV, join(__dirname, 'fixtures', 'loop-workload.cjs'));

  /** After eight runs of `input`, the estimate for three tasks queued in one turn (ms). */
  async function estimateAfter(input: { waitMs?: number; spinMs?: number }): Promise<number> {
    const runner = new InlineRunner();
    for (let i = 0; i < 8; i++) await runner.run({ kind: 'custom', input }, { signal: never() });
    const queued = [1, 2, 3].map(() => runner.run({ kind: 'custom', input }, { signal: never() }));
    const estimate = runner.pendingLoopWorkMs();
    await Promise.all(queued);
    return estimate;
  }

  it('does not count the time a task waits on I/O: the loop is free meanwhile', async () => {
    // Each run waits 60 ms on a timer; timed across that wait, three queued tasks were ~150 ms.
    expect(await estimateAfter({ waitMs: 60 })).toBeLessThan(10);
  });

  it('negative control: counts a task of the same workload that holds the loop', async () => {
    // 20 ms of spinning each, all of it after `runCpuTask` has returned its promise: ~47 ms for
    // three (the moving average starts at 0, and the first run waits for the module to load).
    expect(await estimateAfter({ spinMs: 20 })).toBeGreaterThanOrEqual(30);
  });
});
