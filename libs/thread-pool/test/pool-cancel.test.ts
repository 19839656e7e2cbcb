import { createPool, eventually, fault, never } from './pool-helpers';

describe('cancelling pool work', () => {
  it('aborting a running task terminates its thread, rejects with the reason, and the pool refills', async () => {
    const { pool } = createPool({ workers: 1 });
    try {
      const controller = new AbortController();
      const running = pool.request(fault('busy', 10_000), controller.signal);
      expect(await eventually(() => pool.stats().running === 1)).toBe(true);
      const reason = new Error('client went away');
      controller.abort(reason);
      await expect(running).rejects.toBe(reason);
      expect(pool.stats()).toMatchObject({ cancelled: 1, running: 0 });
      expect(await eventually(() => pool.stats().replaced === 1 && pool.stats().size === 1)).toBe(
        true,
      );
      // The only thread is free again: a new task runs (it would wait ~10 s otherwise).
      await expect(pool.run({ kind: 'fib', n: 10 }, { signal: never() })).resolves.toMatchObject({
        result: 55,
      });
    } finally {
      await pool.close();
    }
  });

  it('aborting a queued task takes it off the queue without touching the running one', async () => {
    const { pool } = createPool({ workers: 1 });
    try {
      const busy = pool.request(fault('busy', 300), never());
      const controller = new AbortController();
      const queued = pool.run({ kind: 'fib', n: 10 }, { signal: controller.signal });
      expect(await eventually(() => pool.stats().queued === 1)).toBe(true);
      controller.abort(new Error('deadline'));
      await expect(queued).rejects.toThrow('deadline');
      expect(pool.stats().queued).toBe(0);
      await expect(busy).resolves.toMatchObject({ ok: true });
      expect(pool.stats()).toMatchObject({ replaced: 0, cancelled: 1 });
    } finally {
      await pool.close();
    }
  });

  it('refuses a task with 503 ERR_OVERLOADED once the queue bound is reached', async () => {
    const { pool } = createPool({ workers: 1, maxQueue: 1 });
    try {
      const busy = pool.request(fault('busy', 300), never());
      await eventually(() => pool.stats().running === 1);
      const queued = pool.run({ kind: 'fib', n: 5 }, { signal: never() });
      await expect(pool.run({ kind: 'fib', n: 5 }, { signal: never() })).rejects.toMatchObject({
        code: 'ERR_OVERLOADED',
        status: 503,
        retryAfterSeconds: 1,
        shedReason: 'pool_queue_full',
      });
      await expect(queued).resolves.toMatchObject({ result: 5 });
      await busy;
    } finally {
      await pool.close();
    }
  });
});
