import { PoolCounter } from '../src/pool-counter';
import {
  abandonStartLine,
  awaitStartLine,
  incrementCell,
  LOCKED_BATCH,
  SharedCounterCell,
  START_LINE_BYTES,
} from '../src/shared-counter';
import { SharedMutex } from '@concurrency-lab/locks';
import { ThreadPoolRunner } from '../src/thread-pool-runner';
import { createPool, eventually, FAULT_WORKER, never, withPool } from './pool-helpers';

/** A 2-thread pool whose counter increments take the locks lib's SharedMutex, as the service's. */
function lockedPool(onThreadExited?: (threadId: number) => void) {
  const lock = new SharedMutex({ name: 'counter' });
  const cell = new SharedCounterCell();
  const pool = new ThreadPoolRunner({
    filename: FAULT_WORKER,
    workers: 2,
    maxQueue: 16,
    workerData: { counter: cell.buffer, counterLock: lock.handle },
    ...(onThreadExited ? { onThreadExited } : {}),
  });
  return { lock, cell, pool };
}

describe('the threads model shared counter', () => {
  it('is exact with safe=true across two threads (compare-and-swap)', async () => {
    await withPool(createPool(), async ({ pool, cell }) => {
      const counter = new PoolCounter(cell, pool);
      await expect(counter.increment(1_000_000, true, never())).resolves.toMatchObject({
        expected: 1_000_000,
        actual: 1_000_000,
      });
      expect(await counter.read()).toBe(1_000_000);
    });
  });

  it("is exact with safe=true under the SharedMutex, and reports the threads' lock waits", async () => {
    await withPool(lockedPool(), async ({ lock, cell, pool }) => {
      const waits: number[] = [];
      const counter = new PoolCounter(cell, pool, ({ waitMs }) => waits.push(...waitMs));
      await expect(counter.increment(1_000_000, true, never())).resolves.toMatchObject({
        expected: 1_000_000,
        actual: 1_000_000,
      });
      // 1000 increments per acquisition: 1000 acquisitions over the two threads, all released.
      expect(waits).toHaveLength(1000);
      expect(waits.every((ms) => ms >= 0)).toBe(true);
      expect(lock.locked).toBe(false);
    });
  });

  it('loses updates with safe=false across two threads (the negative control)', async () => {
    await withPool(createPool(), async ({ pool, cell }) => {
      const counter = new PoolCounter(cell, pool);
      // Two threads collide only while both really run at once; a cold pool (threads still
      // booting, V8 compiling in the background) can let one run pass cleanly. Up to five runs.
      const lost: number[] = [];
      for (let attempt = 0; attempt < 5 && !lost.some((n) => n > 0); attempt++) {
        await counter.reset();
        const { expected, actual } = await counter.increment(1_000_000, false, never());
        expect(expected).toBe(1_000_000);
        expect(actual).toBeGreaterThan(0);
        expect(actual).toBeLessThanOrEqual(expected);
        lost.push(expected - actual);
      }
      expect(lost.some((n) => n > 0)).toBe(true);
    });
  });

  it('is exact single-threaded even with safe=false (the race needs two threads)', () => {
    const cell = new SharedCounterCell();
    incrementCell(cell.buffer, 10_000, false);
    expect(cell.read()).toBe(10_000);
    cell.reset();
    expect(cell.read()).toBe(0);
  });

  it.each([
    ['under a lock', true, true],
    ['compare-and-swap', true, false],
    ['unsafe', false, false],
  ])('stops %s at the end of the batch in which it is told to', (_label, safe, locked) => {
    const cell = new SharedCounterCell();
    let looks = 0;
    // The batches' shape, not the lock's, is under test: the main thread may not block on a
    // SharedMutex, so this stand-in of its `acquireSync` shape always grants.
    const lock = locked ? { acquireSync: () => ({ unlock: () => true }) } : undefined;
    // Told at its third look: two batches done.
    incrementCell(cell.buffer, 10_000, safe, lock, () => ++looks === 3);
    expect(cell.read()).toBe(2 * LOCKED_BATCH);
    // Control: never told, it adds them all.
    incrementCell(cell.buffer, 10_000, safe, lock);
    expect(cell.read()).toBe(2 * LOCKED_BATCH + 10_000);
  });

  it('counts past 2^31 as the other models do (an Int32 cell wrapped to a negative value)', () => {
    const cell = new SharedCounterCell();
    Atomics.store(new BigInt64Array(cell.buffer), 0, 2n ** 31n - 2n);
    incrementCell(cell.buffer, 10, true);
    incrementCell(cell.buffer, 10, false);
    expect(cell.read()).toBe(2 ** 31 + 18);
  });

  it('refuses a request the pool cannot take whole, and leaves no increment of it behind', async () => {
    // Both threads busy and one task queued, of two allowed: room for one share of two.
    await withPool(createPool({ maxQueue: 2 }), async ({ pool, cell }) => {
      const counter = new PoolCounter(cell, pool);
      // Both threads up: the first two tasks run at once (while they load, all three wait).
      await pool.ready();
      const busy = [35, 35, 35].map((n) => pool.run({ kind: 'fib', n }, { signal: never() }));
      expect(await eventually(() => pool.stats().queued === 1)).toBe(true);
      await expect(counter.increment(1000, true, never())).rejects.toMatchObject({
        code: 'ERR_OVERLOADED',
        retryAfterSeconds: 1,
      });
      await Promise.all(busy);
      // A share queued before the refusal would run now (after its 1 s at the start line) and
      // add its 500: the refused request must have left the counter as it was.
      expect(await eventually(() => pool.stats().running === 0)).toBe(true);
      expect(cell.read()).toBe(0);
      // The pool is free again: the same request goes through whole.
      await expect(counter.increment(1000, true, never())).resolves.toMatchObject({
        expected: 1000,
        actual: 1000,
      });
    });
  });

  it('adds nothing for a share whose request was abandoned at the start line', async () => {
    await withPool(createPool(), async ({ pool, cell }) => {
      const share = (start: SharedArrayBuffer) =>
        pool.request(
          { op: 'increment', times: 1000, safe: true, start, parties: 2, submittedAt: 0 },
          never(),
        );
      // One share of two: its partner never comes (refused), and the request gives up on it.
      const abandoned = new SharedArrayBuffer(START_LINE_BYTES);
      const waiting = share(abandoned);
      expect(await eventually(() => Atomics.load(new Int32Array(abandoned), 0) === 1)).toBe(true);
      abandonStartLine(abandoned);
      await waiting;
      expect(cell.read()).toBe(0);
      // The control: not abandoned, a lone share gives up waiting after 1 s and adds its 1000.
      await share(new SharedArrayBuffer(START_LINE_BYTES));
      expect(cell.read()).toBe(1000);
    });
  });

  it('runs one request at a time: concurrent requests each see their own before and after', async () => {
    await withPool(createPool(), async ({ pool, cell }) => {
      const counter = new PoolCounter(cell, pool);
      const answers = await Promise.all(
        [300_000, 200_000, 100_000].map((times) => counter.increment(times, true, never())),
      );
      // In turn: each one's `expected` is the last one's `actual` plus its own times.
      expect(answers.map(({ expected, actual }) => ({ expected, actual }))).toEqual([
        { expected: 300_000, actual: 300_000 },
        { expected: 500_000, actual: 500_000 },
        { expected: 600_000, actual: 600_000 },
      ]);
      // Each waited for the turns before its own (Server-Timing's queue).
      const [first = NaN, second = NaN, third = NaN] = answers.map((a) => a.waitedMs ?? NaN);
      expect(second).toBeGreaterThan(first);
      expect(third).toBeGreaterThan(second);
    });
  });

  it('gives up waiting at the start line when a party never arrives', () => {
    const start = new SharedArrayBuffer(START_LINE_BYTES);
    expect(awaitStartLine(start, 2, 20)).toBe(false);
    expect(awaitStartLine(start, 2, 20)).toBe(true);
  });
  describe('a request cancelled while its shares hold the SharedMutex', () => {
    it('stops its shares at the end of a batch: the lock is released, nothing is added after the answer', async () => {
      await withPool(lockedPool(), async ({ lock, cell, pool }) => {
        const counter = new PoolCounter(cell, pool);
        const client = new AbortController();
        const increment = counter.increment(20_000_000, true, client.signal);
        expect(await eventually(() => cell.read() > 0)).toBe(true);
        client.abort(new Error('client gone'));
        // Its shares stop at their next batch's end, then it answers the abort.
        await expect(increment).rejects.toThrow('client gone');
        expect(lock.locked).toBe(false);
        // Far short of the 20,000,000 asked (each share ran whole before), in whole batches:
        // a stop never cuts a batch under the lock part-way.
        const added = cell.read();
        expect(added).toBeLessThan(10_000_000);
        expect(added % LOCKED_BATCH).toBe(0);
        await expect(counter.increment(1000, true, never())).resolves.toMatchObject({
          actual: added + 1000,
        });
      });
    });

    it('negative control: a share cancelled by terminating its thread leaves the lock unobtainable', async () => {
      let exited = 0;
      await withPool(
        lockedPool(() => exited++),
        async ({ lock, cell, pool }) => {
          // A terminate lands where the thread's next interrupt check is: most often inside a
          // batch of LOCKED_BATCH increments, the lock held and its owner recorded; now and then
          // inside acquire or unlock, after the ticket moved and before the owner cell did (the
          // window TicketLock#recoverDeadThread documents it cannot see) — `locked` then reads
          // false, yet nobody can take the lock again; and now and then in the gap between two
          // batches, the lock truly free (of 300 terminations here: 266, 6 and 28). So the
          // hazard is read as what a next caller meets, `tryAcquire()` failing, and a free lock
          // is handed back for another try: up to 5 shares, each on a fresh thread.
          // A share is never run against a wedged lock: it would block for ever, and close()
          // waits for a running task (the CI failure this replaced: 30 s in close, then the
          // share's rejection, with no handler yet, surfaced in another suite).
          // (`owner`, never asserted: which of the two wedges it was, in a failure's message)
          const outcomes: { increments: number; owner: boolean; obtainable: boolean }[] = [];
          while (outcomes.length < 5 && !outcomes.some((o) => !o.obtainable)) {
            const client = new AbortController();
            const start = new SharedArrayBuffer(START_LINE_BYTES);
            const before = cell.read();
            const share = pool.request(
              { op: 'increment', times: 20_000_000, safe: true, start, parties: 1, submittedAt: 0 },
              client.signal,
            );
            const settled = share.then(
              () => 'finished',
              (error: Error) => error.message,
            );
            // abort once the share really runs (its increments show), not while it is queued
            expect(await eventually(() => cell.read() > before)).toBe(true);
            client.abort(new Error('client gone'));
            expect(await settled).toBe('client gone');
            // Read the lock only once the thread has exited: piscina rejects the share while the
            // thread may still run, and could let go a moment later.
            expect(await eventually(() => exited === outcomes.length + 1)).toBe(true);
            const token = lock.tryAcquire();
            token?.unlock();
            outcomes.push({
              increments: cell.read() - before,
              owner: lock.locked,
              obtainable: token !== null,
            });
          }
          // The thread was terminated between taking its ticket and handing the next one on.
          const wedged = outcomes.at(-1);
          expect(wedged).toMatchObject({ obtainable: false });
          expect(wedged?.increments).toBeLessThan(20_000_000);
          expect(lock.tryAcquire()).toBeNull();
        },
      );
    });
  });
});
