import { PoolCounter } from '../src/pool-counter';
import { createPool, eventually, never } from './pool-helpers';

describe('PoolCounter and a request that is cancelled', () => {
  it('adds nothing for the shares still queued when its signal aborts, and terminates no thread for it', async () => {
    const { pool, cell } = createPool({ workers: 2 });
    const counter = new PoolCounter(cell, pool);
    try {
      // Both threads busy: the request's two shares wait in the queue.
      const blockers = [new AbortController(), new AbortController()];
      const busy = blockers.map((c) =>
        pool.run({ kind: 'fib', n: 40 }, { signal: c.signal }).catch(() => 'cancelled'),
      );
      expect(await eventually(() => pool.stats().running === 2)).toBe(true);
      const request = new AbortController();
      const increment = counter.increment(1000, true, request.signal);
      expect(await eventually(() => pool.stats().queued === 2)).toBe(true);
      const reason = new Error('deadline');
      request.abort(reason); // answered 504: its work is cancelled
      for (const c of blockers) c.abort();
      await Promise.all(busy);
      // It settles once its shares have ended (they ran, and added nothing).
      await expect(increment).rejects.toBe(reason);
      expect(cell.read()).toBe(0);
      // Only the two blockers' threads were replaced (counted as their replacements are
      // ready), and the next request counts exactly.
      expect(await eventually(() => pool.stats().replaced === 2)).toBe(true);
      expect(pool.stats()).toMatchObject({ replaced: 2, crashed: 0 });
      expect(await counter.increment(1000, true, never())).toMatchObject({
        expected: 1000,
        actual: 1000,
      });
    } finally {
      await pool.close();
    }
  });
});

describe('PoolCounter and a count its threads cannot share evenly', () => {
  it('adds the remainder too: every increment asked for lands, whatever the split', async () => {
    const { pool, cell } = createPool({ workers: 3 });
    const counter = new PoolCounter(cell, pool);
    try {
      // 1,001 over 3 threads (334 + 334 + 333), 2 (fewer than the threads), then an even 999.
      for (const [times, total] of [
        [1001, 1001],
        [2, 1003],
        [999, 2002],
      ] as const) {
        await expect(counter.increment(times, true, never())).resolves.toMatchObject({
          expected: total,
          actual: total,
        });
      }
    } finally {
      await pool.close();
    }
  });
});
