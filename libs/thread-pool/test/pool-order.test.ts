import { Piscina } from 'piscina';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { PoolRequest, PoolResponse } from '../src/pool-protocol';
import type { ThreadPoolRunner } from '../src/thread-pool-runner';
import { createPool, eventually, FAULT_WORKER, MARKS, never } from './pool-helpers';

/*
 * The order in which waiting tasks reach a thread. One thread, kept busy by a first task, and
 * ten tasks submitted behind it: on one thread a task ends before the next starts, so the order
 * in which they are answered is the order in which they started.
 */

const TASKS = 10;
const inOrder = Array.from({ length: TASKS }, (_, i) => i);

/** Submits `TASKS` equal tasks through `run` and answers the order in which they ended. */
async function endOrder(run: (i: number) => Promise<unknown>): Promise<number[]> {
  const ended: number[] = [];
  await Promise.all(inOrder.map((i) => run(i).then(() => ended.push(i))));
  return ended;
}

/**
 * Once `pool` is up, its one thread busy with fib(30) (~10 ms once loaded, too short to be seen
 * before the thread is up): that task, running.
 */
async function busyWith(pool: ThreadPoolRunner): Promise<{ busy: Promise<unknown> }> {
  await pool.ready();
  const busy = pool.run({ kind: 'fib', n: 30 }, { signal: never() });
  expect(await eventually(() => pool.stats().running === 1)).toBe(true);
  return { busy }; // wrapped: an async function would wait for the task it returned
}

beforeAll(() => mkdirSync(MARKS, { recursive: true }));
afterAll(() => rmSync(MARKS, { recursive: true, force: true }));

describe("a thread pool's waiting tasks", () => {
  it('start in the order they came (first come, first served), one thread busy and ten waiting', async () => {
    const { pool } = createPool({ workers: 1, maxQueue: 16 });
    try {
      const { busy } = await busyWith(pool);
      const ended = endOrder(() => pool.run({ kind: 'fib', n: 10 }, { signal: never() }));
      expect(pool.stats()).toMatchObject({ queued: TASKS, running: 1 });
      // Each task carries an AbortSignal, and piscina 5.3.2 rotates its queue of those once per
      // freed thread: it ran them 0,2,4,6,8,1,5,9,7,3.
      expect(await ended).toEqual(inOrder);
      await busy;
      expect(pool.stats()).toMatchObject({ queued: 0, running: 0, completed: TASKS + 1 });
    } finally {
      await pool.close();
    }
  });

  it('keep their order when one in the middle is cancelled, which never runs', async () => {
    const { pool } = createPool({ workers: 1, maxQueue: 16 });
    try {
      const { busy } = await busyWith(pool);
      const leaving = new AbortController();
      const reason = new Error('client went away');
      // primes leaves a mark as it starts (fixtures/fault-worker.js): task 4 must leave none,
      // task 5 (the control) one.
      const tasks = inOrder.map((i) =>
        i === 4 || i === 5
          ? pool.run(
              { kind: 'primes', limit: 1000 + i },
              { signal: i === 4 ? leaving.signal : never() },
            )
          : pool.run({ kind: 'fib', n: 10 }, { signal: never() }),
      );
      const ended: number[] = [];
      const settled = Promise.allSettled(tasks.map((task, i) => task.finally(() => ended.push(i))));
      leaving.abort(reason);
      await expect(tasks[4]).rejects.toBe(reason);
      expect(pool.stats()).toMatchObject({ queued: TASKS - 1, running: 1 });
      await settled;
      expect(ended).toEqual([4, ...inOrder.filter((i) => i !== 4)]);
      await busy;
      expect(pool.stats()).toMatchObject({ completed: TASKS, cancelled: 1, replaced: 0 });
      expect([existsSync(join(MARKS, '1004')), existsSync(join(MARKS, '1005'))]).toEqual([
        false,
        true,
      ]);
    } finally {
      await pool.close();
    }
  });

  it('start in the order they came under steady load: a new task behind eight waiting as each ends', async () => {
    const { pool } = createPool({ workers: 1, maxQueue: 16 });
    try {
      const total = 60;
      const ended: number[] = [];
      let submitted = 0;
      const submit = (): Promise<void> => {
        const i = submitted++;
        return pool.run({ kind: 'fib', n: 15 }, { signal: never() }).then(() => {
          ended.push(i);
          return submitted < total ? submit() : undefined;
        });
      };
      await Promise.all(Array.from({ length: 9 }, submit));
      expect(ended).toEqual(Array.from({ length: total }, (_, i) => i));
    } finally {
      await pool.close();
    }
  });

  it('the control: bare piscina 5.3.2 runs them out of order when each carries a signal', async () => {
    // What the runner no longer lets piscina do (it hands piscina a task only when a ready
    // thread is idle). Should a piscina release keep these in order, this fails: the runner's
    // own queue would then be worth re-measuring against piscina's.
    const pool = new Piscina<PoolRequest, PoolResponse>({
      filename: FAULT_WORKER,
      minThreads: 1,
      maxThreads: 1,
    });
    try {
      const cpu = (n: number): PoolRequest => ({
        op: 'cpu',
        task: { kind: 'fib', n },
        submittedAt: Date.now(),
      });
      const busy = pool.run(cpu(30), { signal: never() });
      const ended = await endOrder(() => pool.run(cpu(10), { signal: never() }));
      await busy;
      expect([...ended].sort((a, b) => a - b)).toEqual(inOrder);
      expect(ended).not.toEqual(inOrder);
    } finally {
      await pool.close();
    }
  });
});

describe("a task still in the runner's queue when close() begins", () => {
  it('is answered 503 ERR_SHUTTING_DOWN and never runs, counted failed with a wait and no run', async () => {
    const { pool, timings } = createPool({ workers: 1, maxQueue: 4, closeTimeoutMs: 30_000 });
    await pool.ready();
    const running = pool.run({ kind: 'fib', n: 30 }, { signal: never() });
    expect(await eventually(() => pool.stats().running === 1)).toBe(true);
    const queued = pool.run({ kind: 'primes', limit: 1006 }, { signal: never() }).then(
      () => 'ran',
      (error: unknown) => error,
    );
    expect(pool.stats()).toMatchObject({ queued: 1, running: 1 });
    await pool.close();
    expect(await queued).toMatchObject({ code: 'ERR_SHUTTING_DOWN', status: 503 });
    // The control: the running task was let finish (closeTimeoutMs is 30 s).
    await expect(running).resolves.toMatchObject({ result: 832040 });
    expect(existsSync(join(MARKS, '1006'))).toBe(false);
    expect(pool.stats()).toMatchObject({ queued: 0, running: 0, completed: 1, failed: 1 });
    expect(timings.map(([, run]) => run === undefined).sort()).toEqual([false, true]);
    // A task submitted after close() meets the same answer.
    await expect(pool.run({ kind: 'fib', n: 5 }, { signal: never() })).rejects.toMatchObject({
      code: 'ERR_SHUTTING_DOWN',
    });
  });
});
