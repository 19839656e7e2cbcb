import { createPool, eventually, never } from './pool-helpers';
import { PoolClosedBeforeReadyError, PoolStartError } from '../src/errors';

/*
 * piscina counts the pool's first threads as ready from the start, before they have loaded
 * their module: a task handed to one then waited for its boot counted as running, and a cancel
 * terminated the thread still loading. They are ready once they say so, as a replacement is,
 * and `ready()` says when all of them are.
 */

/** Settles with the task's outcome, or 'still waiting' after `ms`. */
const within = <T>(task: Promise<T>, ms: number) =>
  Promise.race([
    task,
    new Promise<'still waiting'>((resolve) =>
      setTimeout(() => resolve('still waiting'), ms).unref(),
    ),
  ]);

/** The fixture worker's slow boot: the nth thread to load it takes `ms` longer. */
function slowBoot(nth: number, ms: number) {
  // [0]: threads that began loading, [1]: threads done loading.
  const boots = new Int32Array(new SharedArrayBuffer(8));
  return { boots, slowBoot: { boots: boots.buffer, nth, ms } };
}

describe("a thread pool's first threads", () => {
  it('are not given a task before they have loaded: it waits queued, and a cancel leaves the thread', async () => {
    const { boots, slowBoot: slow } = slowBoot(1, 1500);
    const { pool } = createPool({ workers: 1, maxQueue: 4, cancelGraceMs: 0 }, { slowBoot: slow });
    try {
      const controller = new AbortController();
      const early = pool.run({ kind: 'fib', n: 5 }, { signal: controller.signal });
      // Before: running 1, on a thread that had not loaded anything yet.
      expect(pool.stats()).toMatchObject({ queued: 1, running: 0 });
      expect(await eventually(() => Atomics.load(boots, 0) === 1)).toBe(true);
      expect(Atomics.load(boots, 1)).toBe(0); // still loading
      expect(pool.stats()).toMatchObject({ queued: 1, running: 0 });
      controller.abort(new Error('client went away'));
      await expect(early).rejects.toThrow('client went away');
      await pool.ready();
      // The thread that was loading is the one that runs the next task: nothing was
      // terminated (before: it was, and a replacement started).
      const next = await pool.run({ kind: 'fib', n: 6 }, { signal: never() });
      expect(next.result).toBe(8);
      expect(Atomics.load(boots, 0)).toBe(1);
      expect(pool.stats()).toMatchObject({ cancelled: 1, replaced: 0, size: 1 });
    } finally {
      await pool.close();
    }
  });

  it('ready() resolves once every thread has loaded its module; a task then waits for none', async () => {
    const { boots, slowBoot: slow } = slowBoot(2, 800);
    const { pool } = createPool({ workers: 2, maxQueue: 4 }, { slowBoot: slow });
    try {
      const started = performance.now();
      await pool.ready();
      expect(Atomics.load(boots, 1)).toBe(2);
      expect(performance.now() - started).toBeGreaterThanOrEqual(700);
      const runs = await Promise.all(
        [5, 6].map((n) => pool.run({ kind: 'fib', n }, { signal: never() })),
      );
      expect(new Set(runs.map((r) => r.threadId)).size).toBe(2);
      for (const run of runs) expect(run.queueMs).toBeLessThan(200);
      // Already up: at once.
      await expect(pool.ready()).resolves.toBeUndefined();
    } finally {
      await pool.close();
    }
  });

  it('ready() rejects when the pool cannot start: its threads fail their boot, none replaced', async () => {
    // Every thread fails: piscina replaces a first thread (it counted it ready), not the
    // replacement that failed in its turn.
    const loads = new Int32Array(new SharedArrayBuffer(4));
    const failBoot = { loads: loads.buffer, nth: [1, 2, 3, 4, 5, 6] };
    const { pool } = createPool({ workers: 1, maxQueue: 4 }, { failBoot });
    try {
      // A task given meanwhile fails as soon as no thread is left to take it, rather than wait
      // for its deadline (it waited for good once the first threads were no longer "ready" at
      // once; before that, it failed with the thread it was handed).
      const early = pool.run({ kind: 'fib', n: 5 }, { signal: never() }).then(
        () => 'ran',
        (error: unknown) => error,
      );
      const failure = (await pool.ready().then(
        () => undefined,
        (error: unknown) => error,
      )) as (Error & { cause?: Error }) | undefined;
      expect(failure).toBeInstanceOf(PoolStartError);
      expect(failure).toMatchObject({ code: 'ERR_THREADPOOL_START_FAILED' });
      expect(failure?.message).toMatch(/^The thread pool could not start/);
      expect(failure?.cause?.message).toMatch(/boot failure: load \d of the fixture worker/);
      expect(pool.stats().size).toBe(0);
      expect(await within(early, 5_000)).toMatchObject({
        code: 'ERR_WORKER_CRASHED',
        status: 500,
        message: expect.stringMatching(/^No worker thread could start to run this task/),
      });
      expect(pool.stats()).toMatchObject({ queued: 0, failed: 1, crashed: 0 });
      expect(Atomics.load(loads, 0)).toBe(2);
      // What a service awaits: the same rejection, and the pool closed (a later task refused).
      await expect(pool.readyOrClose()).rejects.toBe(failure);
      await expect(pool.run({ kind: 'fib', n: 5 }, { signal: never() })).rejects.toMatchObject({
        code: 'ERR_SHUTTING_DOWN',
      });
    } finally {
      await pool.close();
    }
  });

  it('ready() rejects when close() comes first', async () => {
    const { slowBoot: slow } = slowBoot(1, 1000);
    const { pool } = createPool({ workers: 1, maxQueue: 4 }, { slowBoot: slow });
    const ready = pool.ready().then(
      () => 'ready',
      (error: unknown) => error,
    );
    await pool.close();
    const error = await ready;
    expect(error).toBeInstanceOf(PoolClosedBeforeReadyError);
    expect(error).toMatchObject({
      code: 'ERR_THREADPOOL_CLOSED',
      message: 'The thread pool closed before its threads were ready',
    });
  });
});
