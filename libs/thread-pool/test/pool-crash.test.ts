import { POOL_CRASH_SWITCH } from '@concurrency-lab/workloads';
import { POOL_WORKER_ENTRY } from '../src/index';
import type { PoolRequest } from '../src/pool-protocol';
import { START_LINE_BYTES } from '../src/shared-counter';
import { createPool, eventually, fault, never } from './pool-helpers';

describe('a crashing pool thread', () => {
  it('that throws a plain error fails its task with ERR_WORKER_CRASHED and keeps the thread', async () => {
    const { pool } = createPool();
    try {
      await expect(pool.request(fault('throw'), never())).rejects.toMatchObject({
        code: 'ERR_WORKER_CRASHED',
      });
      expect(pool.stats()).toMatchObject({ replaced: 0, size: 2 });
    } finally {
      await pool.close();
    }
  });

  it('whose task answers an uncoded error fails it with ERR_WORKER_CRASHED, counted as failed, not crashed', async () => {
    // No shared counter: the real worker answers an increment with a plain Error (its thread is
    // fine), as it answers any uncoded bug in a task.
    const { pool } = createPool({ workerData: {} });
    try {
      const increment: PoolRequest = {
        op: 'increment',
        times: 1,
        safe: true,
        start: new SharedArrayBuffer(START_LINE_BYTES),
        parties: 1,
        submittedAt: 0,
      };
      await expect(pool.request(increment, never())).rejects.toMatchObject({
        code: 'ERR_WORKER_CRASHED',
        message: expect.stringContaining('without a shared counter'),
      });
      expect(pool.stats()).toMatchObject({ failed: 1, crashed: 0, replaced: 0, size: 2 });
    } finally {
      await pool.close();
    }
  });

  it('that runs out of memory under resourceLimits fails only its task, and the pool refills', async () => {
    const { pool } = createPool({ resourceLimits: { maxOldGenerationSizeMb: 24 } });
    try {
      await expect(pool.request(fault('oom'), never())).rejects.toMatchObject({
        code: 'ERR_WORKER_CRASHED',
      });
      // A thread that died under its task is a crash (the control for the case above).
      expect(pool.stats()).toMatchObject({ failed: 1, crashed: 1 });
      expect(await eventually(() => pool.stats().size === 2)).toBe(true);
      await expect(
        pool.run({ kind: 'primes', limit: 100 }, { signal: never() }),
      ).resolves.toMatchObject({
        result: 25,
      });
    } finally {
      await pool.close();
    }
  }, 30_000);

  describe(`the fault-injection switch ${POOL_CRASH_SWITCH}`, () => {
    afterEach(() => {
      delete process.env[POOL_CRASH_SWITCH];
    });

    it('crashes the real pool thread handed fib(n): only that task fails, coded, and the pool refills', async () => {
      process.env[POOL_CRASH_SWITCH] = '31'; // threads copy the environment when they start
      const { pool } = createPool({ filename: POOL_WORKER_ENTRY });
      try {
        const neighbour = pool.run({ kind: 'fib', n: 25 }, { signal: never() });
        await expect(pool.run({ kind: 'fib', n: 31 }, { signal: never() })).rejects.toMatchObject({
          code: 'ERR_WORKER_CRASHED',
          status: 500,
        });
        await expect(neighbour).resolves.toMatchObject({ result: 75025 });
        // Counted replaced once its replacement is ready.
        expect(await eventually(() => pool.stats().size === 2 && pool.stats().replaced === 1)).toBe(
          true,
        );
        expect(pool.stats()).toMatchObject({ crashed: 1, replaced: 1 });
        await expect(pool.run({ kind: 'fib', n: 30 }, { signal: never() })).resolves.toMatchObject({
          result: 832040,
        });
      } finally {
        await pool.close();
      }
    });

    it('negative control: off by default, fib(31) is just computed', async () => {
      const { pool } = createPool({ filename: POOL_WORKER_ENTRY });
      try {
        await expect(pool.run({ kind: 'fib', n: 31 }, { signal: never() })).resolves.toMatchObject({
          result: 1346269,
        });
        expect(pool.stats()).toMatchObject({ crashed: 0, replaced: 0 });
      } finally {
        await pool.close();
      }
    });
  });
});
