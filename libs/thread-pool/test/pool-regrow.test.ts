import { Piscina } from 'piscina';
import type { PoolRequest, PoolResponse } from '../src/pool-protocol';
import { FIB_KILLS_ITS_WORKER } from '../src/task-faults';
import type { ThreadPoolRunner } from '../src/thread-pool-runner';
import { createPool, eventually, FAULT_WORKER, never } from './pool-helpers';

/*
 * A thread dies under its task and its replacement fails its boot. piscina 5.3.2 then sets
 * `workerFailsDuringBootstrap` and replaces no dying thread ever again; bare, it still grows in
 * `run()` when it cannot place a task. The runner hands piscina a task only when a ready thread
 * is idle: until it made the pool grow itself, such a pool stayed short for good — no thread
 * of 1 (every task waited until its deadline), 1 of 2.
 */

/** The fixture worker's boot counter, and the loads (1st, 2nd, …) that fail their boot. */
function failingBoots(...nth: number[]) {
  const loads = new Int32Array(new SharedArrayBuffer(4));
  return { loads, failBoot: { loads: loads.buffer, nth } };
}

const cpu = (n: number): PoolRequest => ({
  op: 'cpu',
  task: { kind: 'fib', n },
  submittedAt: Date.now(),
});

/** Settles with the task's answer, or 'no thread' if none ran it within `ms`. */
const within = <T>(task: Promise<T>, ms: number) =>
  Promise.race([
    task,
    new Promise<'no thread'>((resolve) => setTimeout(() => resolve('no thread'), ms).unref()),
  ]);

/**
 * Once `pool` is up, a task kills its thread (500 ERR_WORKER_CRASHED); then waits until `settled`
 * holds: the replacement's boot has failed, and the pool has shrunk.
 */
async function crashUntil(pool: ThreadPoolRunner, settled: () => boolean): Promise<void> {
  await pool.ready();
  await expect(
    pool.run({ kind: 'fib', n: FIB_KILLS_ITS_WORKER }, { signal: never() }),
  ).rejects.toMatchObject({ code: 'ERR_WORKER_CRASHED' });
  expect(await eventually(settled)).toBe(true);
}

describe('a thread pool whose replacement thread fails its boot', () => {
  it('control: bare piscina grows back on the next run() though it replaces no thread', async () => {
    const { loads, failBoot } = failingBoots(2);
    const pool = new Piscina<PoolRequest, PoolResponse>({
      filename: FAULT_WORKER,
      minThreads: 1,
      maxThreads: 1,
      workerData: { failBoot },
    });
    pool.on('error', () => undefined); // the failed boot is reported here
    try {
      await expect(pool.run(cpu(FIB_KILLS_ITS_WORKER))).rejects.toThrow('exited');
      // The dead thread's replacement loaded (2nd load) and failed: no thread left.
      expect(
        await eventually(() => Atomics.load(loads, 0) === 2 && pool.threads.length === 0),
      ).toBe(true);
      await expect(within(pool.run(cpu(20)), 5_000)).resolves.toMatchObject({ result: 6765 });
      expect(pool.threads).toHaveLength(1);
      // And it replaces no thread that dies from now on (`workerFailsDuringBootstrap`).
      await expect(pool.run(cpu(FIB_KILLS_ITS_WORKER))).rejects.toThrow('exited');
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect([pool.threads.length, Atomics.load(loads, 0)]).toEqual([0, 3]);
    } finally {
      await pool.close();
    }
  });

  it('grows back for a waiting task, and counts one restart only once a replacement is ready', async () => {
    const { loads, failBoot } = failingBoots(2);
    const { pool } = createPool({ workers: 1, maxQueue: 4 }, { failBoot });
    try {
      await crashUntil(pool, () => Atomics.load(loads, 0) === 2 && pool.stats().size === 0);
      // The thread that failed its boot replaced nothing (counted before: 2 restarts here).
      expect(pool.stats()).toMatchObject({ size: 0, crashed: 1, replaced: 0 });
      const next = pool.run({ kind: 'fib', n: 20 }, { signal: never() });
      expect(pool.stats().queued).toBe(1);
      // Before: no thread ever came, and the task waited for good (504s, /readyz 200).
      await expect(within(next, 5_000)).resolves.toMatchObject({ result: 6765 });
      expect(pool.stats()).toMatchObject({ size: 1, queued: 0, crashed: 1, replaced: 1 });
      expect(Atomics.load(loads, 0)).toBe(3);
    } finally {
      await pool.close();
    }
  });

  it('of two: a task waiting while the one thread left is busy gets a new thread, in order', async () => {
    const { loads, failBoot } = failingBoots(3);
    const { pool } = createPool({ workers: 2, maxQueue: 4, cancelGraceMs: 0 }, { failBoot });
    try {
      await crashUntil(pool, () => Atomics.load(loads, 0) === 3 && pool.stats().size === 1);
      // Idle, the pool stays at 1 (as bare piscina: it grows when a task cannot be placed).
      const blocker = new AbortController();
      const busy = pool.run({ kind: 'fib', n: 40 }, { signal: blocker.signal });
      expect(await eventually(() => pool.stats().running === 1)).toBe(true);
      const answered: number[] = [];
      const fib = (n: number) =>
        pool.run({ kind: 'fib', n }, { signal: never() }).then((outcome) => {
          answered.push(n);
          return outcome;
        });
      const [first, second] = [fib(5), fib(6)];
      // A thread is starting for them (threads alive or starting: 2); they wait in the queue.
      expect(pool.stats()).toMatchObject({ queued: 2, running: 1, size: 2 });
      // Before: both waited for fib(40), seconds, on the one thread.
      const [a, b] = await Promise.all([within(first, 5_000), within(second, 5_000)]);
      expect(pool.stats()).toMatchObject({ running: 1, size: 2, replaced: 1 });
      expect([a, b]).toMatchObject([{ result: 5 }, { result: 8 }]);
      // Both ran on the new thread, in the order they came.
      expect((b as { threadId: number }).threadId).toBe((a as { threadId: number }).threadId);
      expect(answered).toEqual([5, 6]);
      blocker.abort(new Error('done'));
      await expect(busy).rejects.toThrow('done');
    } finally {
      await pool.close();
    }
  }, 20_000);
});
