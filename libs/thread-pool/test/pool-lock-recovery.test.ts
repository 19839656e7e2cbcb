import { SharedMutex } from '@concurrency-lab/locks';
import { PoolCounter } from '../src/pool-counter';
import { SharedCounterCell } from '../src/shared-counter';
import { createPool, eventually, fault, never } from './pool-helpers';

/** A pool whose threads share `lock` as the counter lock; `recover` wires the exit hook to it. */
function poolWithCounterLock(recover: boolean) {
  const lock = new SharedMutex({ name: 'counter' });
  const cell = new SharedCounterCell();
  const exited: number[] = [];
  const { pool } = createPool({
    workerData: { counter: cell.buffer, counterLock: lock.handle },
    onThreadExited: (threadId) => {
      exited.push(threadId);
      if (recover) lock.recoverDeadThread(threadId);
    },
  });
  return { pool, lock, exited, counter: new PoolCounter(cell, pool) };
}

describe('a pool thread that dies holding the counter lock', () => {
  it('is reported by onThreadExited with its threadId; recovering it lets the next increment complete', async () => {
    const { pool, lock, exited, counter } = poolWithCounterLock(true);
    try {
      await expect(pool.request(fault('die-holding-lock'), never())).rejects.toMatchObject({
        code: 'ERR_WORKER_CRASHED',
      });
      expect(await eventually(() => exited.length === 1)).toBe(true);
      expect(exited[0]).toBeGreaterThan(0);
      expect(lock.stats.recoveries).toBe(1);
      // The first holder after the dead one learns it (EOWNERDEAD) ...
      const token = await lock.acquire({ timeout: 5_000 });
      expect(lock.ownerDied).toBe(true);
      lock.markConsistent();
      token.unlock();
      // ... and the pool threads count exactly again.
      expect(await counter.increment(4_000, true, never())).toMatchObject({
        expected: 4_000,
        actual: 4_000,
      });
    } finally {
      await pool.close();
    }
  }, 30_000);

  it('is not called for the threads close() stops: they held nothing, and no thread died', async () => {
    const exited: number[] = [];
    const { pool } = createPool({ onThreadExited: (threadId) => exited.push(threadId) });
    await pool.ready();
    await pool.close();
    // The threads' 'exit' events come once they have stopped: give them the time.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.stats().size).toBe(0);
    expect(exited).toEqual([]);
  });

  it('negative control: without the recovery the lock stays held by the dead thread', async () => {
    const { pool, lock, exited } = poolWithCounterLock(false);
    try {
      await expect(pool.request(fault('die-holding-lock'), never())).rejects.toMatchObject({
        code: 'ERR_WORKER_CRASHED',
      });
      expect(await eventually(() => exited.length === 1)).toBe(true);
      expect(lock.holderThreadId).toBe(exited[0]);
      await expect(lock.acquire({ timeout: 200 })).rejects.toMatchObject({
        code: 'ERR_LOCK_TIMEOUT',
      });
    } finally {
      await pool.close();
    }
  }, 30_000);
});
