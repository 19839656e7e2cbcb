import { threadId, type Worker } from 'node:worker_threads';
import { SharedEvent, SharedMutex, type UnlockToken } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { nextMessage, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

interface WaiterReport {
  readonly code: string;
  readonly ownerDied?: boolean;
  readonly afterMark?: boolean;
}

/** Resolves when `worker` has stopped (events.once would reject on its 'error' first). */
function exitOf(worker: Worker): Promise<void> {
  return new Promise((resolve) => worker.once('exit', () => resolve()));
}

/** A worker that takes `mutex` and dies holding it; resolves with its threadId once it is gone. */
async function dieHolding(mutex: SharedMutex, how: 'exit' | 'throw'): Promise<number> {
  const worker = startWorker('die-holding.js', { mutex: mutex.handle, how });
  const dead = worker.threadId; // -1 once it has exited
  const exited = exitOf(worker);
  expect(await nextMessage(worker)).toBe('held');
  await exited;
  return dead;
}

function queueWaiter(mutex: SharedMutex, timeout: number, markConsistent = false) {
  return startWorker('robust-waiter.js', { mutex: mutex.handle, timeout, markConsistent });
}

/**
 * The waiter's report once it got the lock: `ownerDied` as it read it on taking the lock, and
 * `afterMark` as it read it again — after its own `markConsistent()` if it was started with one.
 */
async function expectGranted(
  waiter: Worker,
  seen: { ownerDied: boolean; afterMark: boolean },
): Promise<void> {
  expect(await nextMessage<WaiterReport>(waiter)).toEqual({ code: 'none', ...seen });
}

/**
 * Main holds `mutex`; a doomed thread queues first, a live one (waiting up to `liveTimeout` ms)
 * second; the doomed one is then killed inside Atomics.wait, as piscina kills a thread.
 */
async function deadWaiterAhead(liveTimeout: number) {
  const mutex = new SharedMutex();
  const held = mutex.tryAcquire();
  const doomed = queueWaiter(mutex, 10_000);
  const dead = doomed.threadId;
  await until(() => mutex.stats.waiters === 1, { what: 'the doomed thread to queue' });
  const live = queueWaiter(mutex, liveTimeout);
  await until(() => mutex.stats.waiters === 2, { what: 'the live thread to queue' });
  await doomed.terminate();
  return { mutex, held, dead, live };
}

describe('SharedMutex robust recovery (recoverDeadThread)', () => {
  it.each(['exit', 'throw'] as const)(
    'a holder that died (%s) is released for it: the waiter gets the lock and sees ownerDied',
    async (how) => {
      const mutex = new SharedMutex({ name: 'robust' });
      const dead = await dieHolding(mutex, how);
      expect(mutex.holderThreadId).toBe(dead);
      const waiter = queueWaiter(mutex, 10_000, true);
      await until(() => mutex.stats.waiters === 1, { what: 'the waiter to queue' });

      expect(mutex.recoverDeadThread(dead)).toEqual({ wasOwner: true, abandonedTickets: 0 });
      await expectGranted(waiter, { ownerDied: true, afterMark: false });
      // The heir released normally: nobody inherits twice. Waiting on `locked` alone would race
      // the heir's unlock, which clears the owner before it hands the lock on.
      let token: UnlockToken | null = null;
      await until(() => (token = mutex.tryAcquire()) !== null, { what: 'the heir to release' });
      expect(mutex.stats).toMatchObject({ recoveries: 1, holders: 1, waiters: 0 });
      expect(mutex.ownerDied).toBe(false);
      (token as UnlockToken | null)?.unlock();
      expect(mutex.locked).toBe(false);
    },
  );

  it('negative control: without recovery the waiter behind a dead holder times out', async () => {
    const mutex = new SharedMutex();
    const dead = await dieHolding(mutex, 'exit');
    const waiter = queueWaiter(mutex, 100);
    expect(await nextMessage<WaiterReport>(waiter)).toEqual({ code: 'ERR_LOCK_TIMEOUT' });
    expect(mutex.holderThreadId).toBe(dead);
    expect(mutex.stats).toMatchObject({ recoveries: 0, timeouts: 1 });
  });

  it('the heir that does not markConsistent still sees ownerDied until it unlocks', async () => {
    const mutex = new SharedMutex();
    const dead = await dieHolding(mutex, 'exit');
    const waiter = queueWaiter(mutex, 10_000);
    await until(() => mutex.stats.waiters === 1, { what: 'the waiter to queue' });
    mutex.recoverDeadThread(dead);
    await expectGranted(waiter, { ownerDied: true, afterMark: true });
  });

  it('a holder recovered while nobody waits leaves the lock free; the next taker is the heir', async () => {
    const mutex = new SharedMutex();
    const dead = await dieHolding(mutex, 'exit');
    expect(mutex.recoverDeadThread(dead)).toEqual({ wasOwner: true, abandonedTickets: 0 });
    expect(mutex.locked).toBe(false);
    const token = mutex.tryAcquire();
    expect(mutex.ownerDied).toBe(true);
    mutex.markConsistent();
    expect(mutex.ownerDied).toBe(false);
    token?.unlock();
    // A second recovery of the same thread finds nothing left to do.
    expect(mutex.recoverDeadThread(dead)).toEqual({ wasOwner: false, abandonedTickets: 0 });
    expect(mutex.stats.recoveries).toBe(1);
  });

  it('a thread that died waiting in line is skipped: the next live waiter gets the lock', async () => {
    const { mutex, held, dead, live } = await deadWaiterAhead(10_000);

    expect(mutex.recoverDeadThread(dead)).toEqual({ wasOwner: false, abandonedTickets: 1 });
    expect(mutex.stats.waiters).toBe(1);
    held?.unlock();
    // Not an heir: the dead thread never held the lock, the data is as the main thread left it.
    await expectGranted(live, { ownerDied: false, afterMark: false });
    expect(mutex.stats.recoveries).toBe(0);
  });

  // The recovery looks at the N tickets that may wait behind the holder's; the last of them sits
  // in the holder's own slot (see ticket-lock.ts), and a dead waiter there was overlooked by a
  // scan one short: the lock then went to the dead thread, wedged for good.
  it('finds a dead waiter on the last waiting ticket of a full table', async () => {
    const mutex = new SharedMutex({ maxWaiters: 1 }); // 2 waiting tickets
    const held = mutex.tryAcquire();
    const first = mutex.acquire({ timeout: 10_000 });
    const doomed = queueWaiter(mutex, 10_000);
    const dead = doomed.threadId;
    await until(() => mutex.stats.waiters === 2, { what: 'the doomed thread to queue last' });
    await doomed.terminate();

    expect(mutex.recoverDeadThread(dead)).toEqual({ wasOwner: false, abandonedTickets: 1 });
    held?.unlock();
    (await first).unlock();
    (await mutex.acquire({ timeout: 1000 })).unlock();
    expect(mutex.stats).toMatchObject({ holders: 0, waiters: 0, recoveries: 0 });
  });

  it('negative control: without recovery the dead waiter is granted the lock and the live one times out', async () => {
    const { mutex, held, live } = await deadWaiterAhead(300);
    held?.unlock();
    expect(await nextMessage<WaiterReport>(live)).toEqual({ code: 'ERR_LOCK_TIMEOUT' });
    expect(mutex.locked).toBe(false); // granted to a ticket nobody will ever take up
    expect(mutex.tryAcquire()).toBeNull();
  });

  it('a dead waiter the lock was already granted to: the recovery takes the grant over and passes it on', async () => {
    const { mutex, held, dead, live } = await deadWaiterAhead(10_000);
    held?.unlock(); // grants the dead thread's ticket: the wedge of the negative control below

    // Counted as a hold (conservatively: it died before it could touch the data).
    expect(mutex.recoverDeadThread(dead)).toEqual({ wasOwner: true, abandonedTickets: 0 });
    await expectGranted(live, { ownerDied: true, afterMark: true });
    expect(mutex.stats.recoveries).toBe(1);
  });

  it('recovering a thread that holds nothing changes nothing: FIFO order and counters intact', async () => {
    const mutex = new SharedMutex();
    const release = new SharedEvent();
    const bystander = startWorker('hold-until-event.js', {
      mutex: mutex.handle,
      release: release.handle,
    });
    const gone = bystander.threadId;
    const exited = exitOf(bystander);
    expect(await nextMessage(bystander)).toBe('held');
    release.set();
    expect(await nextMessage(bystander)).toBe('released');
    await exited;

    const held = mutex.tryAcquire();
    const log = new SharedArrayBuffer(4 * 4);
    const workers = [];
    for (let id = 1; id <= 2; id++) {
      workers.push(startWorker('queue-for-mutex.js', { mutex: mutex.handle, log, id }));
      await until(() => mutex.stats.waiters === id, { what: `thread ${id} to queue` });
    }
    const before = mutex.stats;
    expect(mutex.recoverDeadThread(gone)).toEqual({ wasOwner: false, abandonedTickets: 0 });
    expect(mutex.recoverDeadThread(gone + 1000)).toEqual({ wasOwner: false, abandonedTickets: 0 });
    const { oldestWaiterMs: _before, ...counters } = before;
    const { oldestWaiterMs: _after, ...now } = mutex.stats;
    expect(now).toEqual(counters);
    expect(mutex.holderThreadId).toBe(threadId);
    held?.unlock();
    await Promise.all(workers.map((worker) => nextMessage(worker)));
    expect(Array.from(new Int32Array(log).subarray(0, 3))).toEqual([2, 1, 2]);
  });

  it('refuses to recover this very thread or a non-id (ERR_LOCK_INVALID_ARGUMENT)', () => {
    const mutex = new SharedMutex();
    for (const bad of [threadId, -1, 1.5, '3']) {
      expect(() => mutex.recoverDeadThread(bad as number)).toThrow(
        expect.objectContaining({ code: 'ERR_LOCK_INVALID_ARGUMENT' }),
      );
    }
    expect(() => mutex.markConsistent()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_NOT_OWNER' }),
    );
  });
});
