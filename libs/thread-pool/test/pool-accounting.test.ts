import { getEventListeners } from 'node:events';
import { createPool, never, withPool } from './pool-helpers';
import { eventually } from '../src/testing';

const CORRUPT_PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);

describe("a thread pool's queue while a replacement thread starts", () => {
  it('counts the waiting task as queued, not running, and keeps the queue bound', async () => {
    // No grace: the cancelled task's thread is terminated at the abort, as this test needs.
    const { pool } = createPool({ workers: 1, maxQueue: 1, cancelGraceMs: 0 });
    try {
      const controller = new AbortController();
      const running = pool.run({ kind: 'fib', n: 40 }, { signal: controller.signal });
      expect(await eventually(() => pool.stats().running === 1)).toBe(true);
      const reason = new Error('client went away');
      controller.abort(reason); // its thread is terminated; piscina starts a replacement at once
      await expect(running).rejects.toBe(reason);
      // No turn of the event loop has passed: the replacement cannot have said it is ready.
      // piscina's queueSize subtracts the capacity of threads still starting, so the task
      // waiting for it read as running (queued 0) and the bound let one more in.
      const waiting = pool.run({ kind: 'fib', n: 5 }, { signal: never() });
      expect(pool.stats()).toMatchObject({ queued: 1, running: 0 });
      await expect(pool.run({ kind: 'fib', n: 6 }, { signal: never() })).rejects.toMatchObject({
        code: 'ERR_OVERLOADED',
        status: 503,
      });
      await expect(waiting).resolves.toMatchObject({ result: 5 });
      expect(pool.stats()).toMatchObject({ queued: 0, running: 0, cancelled: 1, replaced: 1 });
    } finally {
      await pool.close();
    }
  });

  it('hands a queued task to a ready thread, never to one still starting (it would wait for the boot, counted as running)', async () => {
    // Threads 1 and 2 start the pool; of the two replacements below, the first to load its
    // module takes 2 s longer. boots[0]: threads that began loading; boots[1]: done loading.
    const boots = new Int32Array(new SharedArrayBuffer(8));
    const slowBoot = { boots: boots.buffer, nth: 3, ms: 2000 };
    const { pool } = createPool({ workers: 2, maxQueue: 4, cancelGraceMs: 0 }, { slowBoot });
    try {
      const first = new AbortController();
      const second = new AbortController();
      const running = [first, second].map((c) =>
        pool.run({ kind: 'fib', n: 40 }, { signal: c.signal }),
      );
      // Wait until the pool's first threads are up, so that only the replacements below are
      // starting.
      await pool.ready();
      expect(Atomics.load(boots, 1)).toBe(2);
      const fib = (n: number) => pool.run({ kind: 'fib', n }, { signal: never() });
      const queued = [fib(5), fib(6)] as const;
      expect(pool.stats()).toMatchObject({ queued: 2, running: 2 });
      // Both threads are terminated: two replacements start, one of them slowly.
      first.abort(new Error('gone'));
      second.abort(new Error('gone'));
      await Promise.all(running.map((r) => expect(r).rejects.toThrow('gone')));
      // The fast replacement is ready first and takes the first task; the second waits for it
      // too. piscina's own balancer handed it to the slow one, still loading, where it waited
      // 2 s while the fast thread, done with the first, sat idle.
      const [a, b] = await Promise.all(queued);
      expect([a.result, b.result]).toEqual([5, 8]);
      expect(b.threadId).toBe(a.threadId);
      expect(Atomics.load(boots, 0)).toBe(4); // both replacements began loading …
      expect(Atomics.load(boots, 1)).toBe(3); // … and the slow one is still at it
      // A replacement counts once it is ready: the slow one not yet.
      expect(pool.stats()).toMatchObject({ queued: 0, running: 0, completed: 2, replaced: 1 });
      expect(await eventually(() => pool.stats().replaced === 2)).toBe(true);
      expect(Atomics.load(boots, 1)).toBe(4);
    } finally {
      await pool.close();
    }
  });
});

describe("a thread pool and its callers' signals", () => {
  it('leaves no listener on a signal shared by many tasks once they are done (no grace: the signal goes as it is)', async () => {
    // With cancelGraceMs 0, withCancelGrace hands the caller's signal itself to the queue, which
    // listens on it while each task waits: every task sent on must take its listener off.
    await withPool(createPool({ workers: 1, cancelGraceMs: 0 }), async ({ pool }) => {
      const batch = new AbortController();
      const listeners = () => getEventListeners(batch.signal, 'abort').length;
      const runs = Array.from({ length: 15 }, () =>
        pool.run({ kind: 'fib', n: 10 }, { signal: batch.signal }),
      );
      await Promise.resolve(); // each run() reaches the queue
      // The control: the tasks wait (the thread is still loading its module), each listening.
      expect(listeners()).toBe(15);
      const done = await Promise.all(runs);
      expect(done.map((outcome) => outcome.result)).toEqual(Array(15).fill(55));
      expect(listeners()).toBe(0);
    });
  });
});

describe("a thread pool's task timings (lab_pool_task_wait_seconds, _run_seconds)", () => {
  it('include the tasks that failed, were cancelled in the queue or on a thread: wait always, run once on a thread', async () => {
    const { pool, timings } = createPool({ workers: 1 });
    try {
      // Failed where it ran (a corrupt PNG): the thread measured its wait and run.
      await expect(
        pool.run({ kind: 'filter', filter: 'blur', png: CORRUPT_PNG }, { signal: never() }),
      ).rejects.toMatchObject({ code: 'ERR_WORKLOAD_INVALID_IMAGE' });
      expect(timings).toEqual([[expect.any(Number), expect.any(Number)]]);

      const onThread = new AbortController();
      const inQueue = new AbortController();
      const running = pool.run({ kind: 'fib', n: 40 }, { signal: onThread.signal });
      const queued = pool.run({ kind: 'fib', n: 5 }, { signal: inQueue.signal });
      expect(await eventually(() => pool.stats().queued === 1)).toBe(true);
      // Cancelled in the queue (a deadline passed there): its whole life was a wait, no run.
      inQueue.abort(new Error('deadline'));
      await expect(queued).rejects.toThrow('deadline');
      expect(timings[1]).toEqual([expect.any(Number), undefined]);
      // Cancelled on its thread: its wait until a thread took it, and its run until its thread
      // was stopped (answered at once, counted when its grace is over).
      onThread.abort(new Error('deadline'));
      await expect(running).rejects.toThrow('deadline');
      expect(await eventually(() => timings.length === 3)).toBe(true);
      expect(timings[2]).toEqual([expect.any(Number), expect.any(Number)]);
      expect(timings).toHaveLength(3);
      for (const [wait, run] of timings) {
        expect(wait).toBeGreaterThanOrEqual(0);
        if (run !== undefined) expect(run).toBeGreaterThanOrEqual(0);
      }
    } finally {
      await pool.close();
    }
  });
});
