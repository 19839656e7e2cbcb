import { setImmediate as turn } from 'node:timers/promises';
import { until } from '@concurrency-lab/launcher/testing';
import { WordMutex } from '../src/internal';
import { runAll, terminateAll } from './support/workers';

afterEach(terminateAll);

const THREADS = 4;
const TIMES = 25_000;

async function incrementFromThreads(locked: boolean): Promise<number> {
  const shared = new SharedArrayBuffer(3 * 4);
  const lane = { shared, parties: THREADS, times: TIMES, locked };
  await runAll('word-increment.js', Array<unknown>(THREADS).fill(lane));
  const cells = new Int32Array(shared);
  expect(cells[0]).toBe(0); // free again
  return cells[2] ?? NaN;
}

describe('WordMutex (the one-word futex mutex the queues embed in their shared ring)', () => {
  it(`gives the exact total for ${THREADS} threads x ${TIMES} locked increments`, async () => {
    expect(await incrementFromThreads(true)).toBe(THREADS * TIMES);
  });

  it('negative control: the same increments without it lose updates', async () => {
    // Threads overlap only when the machine gives them cores at once: on a loaded one a thread
    // can finish its ~1 ms of increments inside one time slice, racing no one (seen once in a
    // full-suite run). Some round of a few loses updates; the locked run above loses none ever.
    const totals: number[] = [];
    while (totals.length < 8 && !totals.some((total) => total < THREADS * TIMES))
      totals.push(await incrementFromThreads(false));
    expect(Math.min(...totals)).toBeLessThan(THREADS * TIMES);
  });

  it('lets the main thread wait without blocking: lockAsync resolves once the holder unlocks', async () => {
    const lock = new WordMutex(new Int32Array(new SharedArrayBuffer(4)), 0);
    expect(lock.tryLock()).toBe(true);
    expect(lock.tryLock()).toBe(false);
    let acquired = false;
    const waiting = lock.lockAsync().then(() => (acquired = true));
    await turn();
    expect(acquired).toBe(false);
    lock.unlock();
    await waiting;
    expect(acquired).toBe(true);
    expect(lock.tryLock()).toBe(false);
    lock.unlock();
    expect(lock.tryLock()).toBe(true);
  });

  describe('lockAsync(signal)', () => {
    const fresh = () => new WordMutex(new Int32Array(new SharedArrayBuffer(4)), 0);

    /** A lock held here, and a lockAsync(signal) queued for it, with its signal's controller. */
    async function heldWithAbortableWaiter() {
      const lock = fresh();
      expect(lock.tryLock()).toBe(true);
      const controller = new AbortController();
      const waiting = lock.lockAsync(controller.signal);
      await turn();
      return { lock, controller, waiting };
    }

    it('rejects with the reason as the signal aborts while the lock is held elsewhere, then hands the lock back', async () => {
      const { lock, controller, waiting } = await heldWithAbortableWaiter();
      const reason = new Error('gave up');
      controller.abort(reason);
      await expect(waiting).rejects.toBe(reason);
      lock.unlock();
      // The abandoned acquisition takes the lock when it is woken and releases it at once.
      await until(() => lock.tryLock(), {
        what: 'the abandoned acquisition to hand the lock back',
      });
      lock.unlock();
    });

    it('a live waiter behind an abandoned one still gets the lock', async () => {
      const { lock, controller, waiting: abandoned } = await heldWithAbortableWaiter();
      let acquired = false;
      const live = lock.lockAsync().then(() => (acquired = true));
      await turn();
      controller.abort(new Error('gave up'));
      await expect(abandoned).rejects.toThrow('gave up');
      lock.unlock();
      await live;
      expect(acquired).toBe(true);
      lock.unlock();
    });

    it('rejects a signal aborted before the call, even with the lock free, and leaves it free', async () => {
      const lock = fresh();
      const reason = new Error('already');
      await expect(lock.lockAsync(AbortSignal.abort(reason))).rejects.toBe(reason);
      expect(lock.tryLock()).toBe(true);
    });

    it('negative control: without an abort it waits for the holder like lockAsync()', async () => {
      const lock = fresh();
      expect(lock.tryLock()).toBe(true);
      let acquired = false;
      const waiting = lock.lockAsync(new AbortController().signal).then(() => (acquired = true));
      await turn();
      expect(acquired).toBe(false);
      lock.unlock();
      await waiting;
      expect(acquired).toBe(true);
    });
  });
});
