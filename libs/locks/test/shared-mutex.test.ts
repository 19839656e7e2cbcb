import { getEventListeners } from 'node:events';
import { threadId } from 'node:worker_threads';
import {
  LockWatchdog,
  SharedEvent,
  SharedMutex,
  SharedSemaphore,
  type WaiterInfo,
} from '../src/index';
import { createSharedBuffer, HEADER_WORDS, SharedClock } from '../src/shared/shared-clock';
import { GRANTED, IDLE, slotValue } from '../src/shared/ticket-slot';
import { timersSetBy, until } from '@concurrency-lab/launcher/testing';
import { nextMessage, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

/** A worker that holds `mutex` until `release` is set. */
async function holdInWorker(
  mutex: SharedMutex,
): Promise<{ release: SharedEvent; worker: ReturnType<typeof startWorker> }> {
  const release = new SharedEvent({ name: 'release' });
  const worker = startWorker('hold-until-event.js', {
    mutex: mutex.handle,
    release: release.handle,
  });
  expect(await nextMessage(worker)).toBe('held');
  return { release, worker };
}

/** What `acquireSync({ timeout })` on `mutex` in a worker ends with: 'none' (granted) or a code. */
async function acquireInWorker(mutex: SharedMutex, timeout: number): Promise<unknown> {
  const worker = startWorker('mutex-misuse.js', {
    mutex: mutex.handle,
    misuse: 'acquire-with-timeout',
    timeout,
  });
  return nextMessage(worker);
}

describe('SharedMutex across threads', () => {
  it('is one lock on both sides of a handle: a worker times out while main holds it', async () => {
    const mutex = new SharedMutex({ name: 'shared' });
    const token = mutex.tryAcquire();
    expect(token).not.toBeNull();
    expect(await acquireInWorker(mutex, 20)).toBe('ERR_LOCK_TIMEOUT');
    expect(mutex.stats).toMatchObject({ timeouts: 1, holders: 1, waiters: 0 });
    token?.unlock();
    expect(await acquireInWorker(mutex, 10_000)).toBe('none');
  });

  it('records the holder thread: release() from a non-owner throws ERR_LOCK_NOT_OWNER', async () => {
    const mutex = new SharedMutex();
    const { release, worker } = await holdInWorker(mutex);
    expect(mutex.holderThreadId).toBe(worker.threadId);
    expect(() => mutex.release()).toThrow(expect.objectContaining({ code: 'ERR_LOCK_NOT_OWNER' }));
    expect(mutex.locked).toBe(true);
    release.set();
    expect(await nextMessage(worker)).toBe('released');

    const token = mutex.tryAcquire();
    const intruder = startWorker('mutex-misuse.js', {
      mutex: mutex.handle,
      misuse: 'release-not-held-here',
    });
    expect(await nextMessage(intruder)).toBe('ERR_LOCK_NOT_OWNER');
    expect(mutex.holderThreadId).toBe(threadId);
    mutex.release(); // the owner may release without its token ...
    expect(token?.unlock()).toBe(false); // ... which the token then knows
    expect(mutex.locked).toBe(false);
  });

  it('refuses to block a thread on a mutex it holds itself (ERR_LOCK_DEADLOCK)', async () => {
    const mutex = new SharedMutex();
    const worker = startWorker('mutex-misuse.js', { mutex: mutex.handle, misuse: 'acquire-twice' });
    expect(await nextMessage(worker)).toBe('ERR_LOCK_DEADLOCK');
  });

  it('refuses a blocking acquire on the main thread (ERR_LOCK_MAIN_THREAD_WAIT)', () => {
    const mutex = new SharedMutex();
    expect(() => mutex.acquireSync()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_MAIN_THREAD_WAIT' }),
    );
    expect(() => mutex.withLockSync(() => 1)).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_MAIN_THREAD_WAIT' }),
    );
  });

  it('waits on the main thread without blocking: a timer keeps firing until the worker lets go', async () => {
    const mutex = new SharedMutex();
    const { release } = await holdInWorker(mutex);
    let ticks = 0;
    let acquiredAtTick = -1;
    const waiting = mutex.acquire().then((token) => {
      acquiredAtTick = ticks;
      return token;
    });
    const timer = setInterval(() => {
      ticks++;
      if (ticks === 5) release.set();
    }, 1);
    try {
      const token = await waiting;
      expect(acquiredAtTick).toBeGreaterThanOrEqual(5);
      expect(mutex.holderThreadId).toBe(threadId);
      token.unlock();
    } finally {
      clearInterval(timer);
    }
  });

  it('negative control: a blocking wait on the main thread stops every timer while it waits', () => {
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      // What acquireSync would do here; bounded so the test itself cannot hang.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30);
      expect(ticks).toBe(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('times out and aborts async waits on the main thread, and counts them across threads', async () => {
    const mutex = new SharedMutex();
    const { release, worker } = await holdInWorker(mutex);
    await expect(mutex.acquire({ timeout: 10 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    const controller = new AbortController();
    const reason = new Error('give up');
    const aborted = mutex.acquire({ signal: controller.signal });
    await until(() => mutex.stats.waiters === 1, { what: 'the main thread to queue' });
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(mutex.stats).toMatchObject({ timeouts: 1, aborts: 1, waiters: 0 });
    release.set();
    expect(await nextMessage(worker)).toBe('released');
    // The abandoned tickets were skipped: the lock is free, not stuck.
    const token = await mutex.acquire({ timeout: 10_000 });
    token.unlock();
  });

  it('counts a blocking acquire with a zero timeout on a busy mutex as a timeout', async () => {
    const mutex = new SharedMutex();
    const token = mutex.tryAcquire();
    expect(await acquireInWorker(mutex, 0)).toBe('ERR_LOCK_TIMEOUT');
    expect(mutex.stats).toMatchObject({ timeouts: 1, holders: 1, waiters: 0 });
    token?.unlock();
  });

  it('leaves no abort listener and no timer behind once a queued async wait is granted', async () => {
    const mutex = new SharedMutex();
    const signal = new AbortController().signal; // a long-lived signal, shared by many waits
    // The waits' own timers, not the process's: another file's timer ending meanwhile moved
    // that count.
    using waits = timersSetBy(async () => {
      for (let round = 0; round < 3; round++) {
        const holder = mutex.tryAcquire();
        const waiting = mutex.acquire({ timeout: 60_000, signal });
        expect(mutex.stats.waiters).toBe(1);
        holder?.unlock();
        (await waiting).unlock();
      }
    });
    await waits.result;
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
    // A timer left running would hold the thread (a worker, a script) for its whole minute.
    expect(await waits.pending()).toBe(0);
  });

  /**
   * A mutex held again through a second instance after that instance's release() ended the
   * first hold unobserved: the first hold's token (`stale`, still reading locked, as
   * documented) and the second's (`current`).
   */
  function staleAndCurrent() {
    const mutex = new SharedMutex();
    const other = SharedMutex.from(mutex.handle);
    const stale = mutex.tryAcquire();
    other.release();
    return { mutex, stale, current: other.tryAcquire() };
  }

  it("release() ends this thread's hold through whichever instance took it, past a stale token", () => {
    const { mutex, stale, current } = staleAndCurrent();
    mutex.release(); // this thread holds it (through `other`): released all the same
    expect(mutex.locked).toBe(false);
    expect(stale?.locked).toBe(true);
    expect(current?.unlock()).toBe(false);
    expect(mutex.tryAcquire()).not.toBeNull();
  });

  it('a stale token cannot end a later hold of this thread', () => {
    const { mutex, stale, current } = staleAndCurrent();
    expect(stale?.unlock()).toBe(false); // its ticket is not the one being served
    expect(mutex.locked).toBe(true);
    expect(current?.unlock()).toBe(true);
    expect(mutex.locked).toBe(false);
  });

  it('refuses an already aborted signal before trying, even when the lock is free', async () => {
    const reason = new Error('cancelled before asking');
    const signal = AbortSignal.abort(reason);
    const mutex = new SharedMutex();
    const semaphore = new SharedSemaphore();
    await expect(mutex.acquire({ signal })).rejects.toBe(reason);
    await expect(semaphore.acquire({ signal })).rejects.toBe(reason);
    expect(mutex.locked).toBe(false);
    expect(mutex.stats).toMatchObject({ aborts: 1, acquisitions: 0, holders: 0 });
    expect(semaphore.value).toBe(1);
    expect(semaphore.stats).toMatchObject({ aborts: 1, acquisitions: 0, holders: 0 });
  });

  it('with a zero timeout on a busy mutex refuses at once, even if the holder releases in the same tick', async () => {
    const mutex = new SharedMutex();
    const held = mutex.tryAcquire();
    const refused = mutex.acquire({ timeout: 0 });
    held?.unlock();
    await expect(refused).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT', timeoutMs: 0 });
    expect(mutex.locked).toBe(false);
    expect(mutex.stats).toMatchObject({ timeouts: 1, acquisitions: 1, waiters: 0 });
  });

  it('ages its oldest waiter in stats, and reads 0 once nobody waits', async () => {
    const mutex = new SharedMutex();
    const held = mutex.tryAcquire();
    const waiting = mutex.acquire();
    await until(() => mutex.stats.oldestWaiterMs > 0, { what: 'the waiter to age' });
    held?.unlock();
    (await waiting).unlock();
    expect(mutex.stats).toMatchObject({ oldestWaiterMs: 0, waiters: 0 });
  });

  it('reports the holding thread and the waiting threads in inspect()', async () => {
    const mutex = new SharedMutex({ name: 'inspected' });
    const { release, worker } = await holdInWorker(mutex);
    const waiting = mutex.acquire();
    await until(() => mutex.stats.waiters === 1, { what: 'the main thread to queue' });
    const inspection = mutex.inspect();
    expect(inspection.holders.map((h) => h.id)).toEqual([`thread ${worker.threadId}`]);
    expect(inspection.waiters.map((w) => w.id)).toEqual(['main thread']);
    release.set();
    (await waiting).unlock();
  });
});

describe('SharedMutex with every waiting ticket taken (window wait)', () => {
  // N = maxWaiters rounded up to a power of two, at least 2: N tickets wait in line behind the
  // holder's, and the next arrival waits in the "window" for a ticket, outside ticket order.
  const outcome = (wait: Promise<{ unlock(): boolean }>): Promise<string> =>
    wait.then(
      (token) => (token.unlock(), 'granted'),
      (error: { code?: string }) => error.code ?? 'an error without a code',
    );
  const timedOut = (count: number): string[] => Array<string>(count).fill('ERR_LOCK_TIMEOUT');

  it.each([
    [1, 2],
    [4, 4],
    [300, 512],
  ])(
    'maxWaiters %i: exactly %i waiters queue in FIFO order behind the holder, the next waits for a ticket',
    async (maxWaiters, admitted) => {
      const mutex = new SharedMutex({ name: 'window', maxWaiters });
      const held = mutex.tryAcquire();
      const order: number[] = [];
      const waits = Array.from({ length: admitted + 1 }, (_, i) =>
        mutex.acquire({ timeout: 10_000 }).then((token) => {
          order.push(i);
          token.unlock();
        }),
      );
      const waiters = mutex.inspect().waiters;
      expect(waiters.filter((w) => w.id === 'main thread')).toHaveLength(admitted);
      expect(waiters).toHaveLength(admitted + 1);
      expect(waiters[admitted]).toMatchObject({ id: '1 thread waiting for a ticket', threads: 1 });
      expect(mutex.stats.waiters).toBe(admitted + 1);
      held?.unlock();
      await Promise.all(waits);
      expect(order).toEqual([...Array(admitted + 1).keys()]); // the window waiter behind them
      expect(mutex.stats).toMatchObject({ acquisitions: admitted + 2, waiters: 0 });
    },
  );

  it('counts the arrivals waiting for a ticket, reports them to the watchdog, aged by the oldest still there', async () => {
    const mutex = new SharedMutex({ name: 'window', maxWaiters: 1 });
    const held = mutex.tryAcquire();
    const inLine = [1, 2].map(() => outcome(mutex.acquire({ timeout: 10_000 })));
    const first = outcome(mutex.acquire({ timeout: 100 })); // the oldest in the window, leaves
    await new Promise((resolve) => setTimeout(resolve, 50));
    const beforeSecond = performance.now();
    const second = outcome(mutex.acquire({ timeout: 10_000 }));
    const afterSecond = performance.now();
    expect(mutex.stats.waiters).toBe(4);
    expect(mutex.inspect().waiters.map((w) => w.id)).toEqual([
      'main thread',
      'main thread',
      '2 threads waiting for a ticket',
    ]);
    // Every wait here began 50 ms ago but `second`'s, and the window is aged by `first`.
    const watchdog = new LockWatchdog({ thresholdMs: 30 }).watch(mutex);
    const stalled = watchdog.check()[0]?.waiters ?? [];
    expect(stalled.map((w) => w.id).sort()).toEqual([
      '2 threads waiting for a ticket',
      'main thread',
      'main thread',
    ]);
    expect(stalled.find((w) => w.threads === 2)?.waitedMs).toBeGreaterThanOrEqual(30);
    expect(await first).toBe('ERR_LOCK_TIMEOUT');
    const window = (): WaiterInfo | undefined => mutex.inspect().waiters[2];
    expect(window()).toMatchObject({ id: '1 thread waiting for a ticket', threads: 1 });
    // Aged by `second` once it has written its stamp again (the one left was `first`'s): never
    // older than `second`'s wait, and then exactly as old (stamps are rounded to the ms).
    expect(window()?.waitedMs).toBeLessThanOrEqual(performance.now() - beforeSecond + 1);
    await until(() => (window()?.waitedMs ?? -1) >= performance.now() - afterSecond - 1, {
      what: "the window's age to be the remaining waiter's",
    });
    expect(window()?.waitedMs).toBeLessThanOrEqual(performance.now() - beforeSecond + 1);
    expect(mutex.stats.waiters).toBe(3);
    held?.unlock();
    expect(await Promise.all([...inLine, second])).toEqual(['granted', 'granted', 'granted']);
    expect(mutex.stats).toMatchObject({ waiters: 0, oldestWaiterMs: 0 });
    expect(mutex.inspect().waiters).toEqual([]);
  });

  it('wakes a window waiter when the release skips the abandoned tickets ahead of it, and counts it contended', async () => {
    const mutex = new SharedMutex({ name: 'window', maxWaiters: 4 });
    const held = mutex.tryAcquire();
    const doomed = [1, 2, 3, 4].map(() => outcome(mutex.acquire({ timeout: 20 })));
    const patient = outcome(mutex.acquire({ timeout: 10_000 })); // the 6th ticket: no slot left
    expect(mutex.stats.waiters).toBe(5);
    expect(await Promise.all(doomed)).toEqual(timedOut(4));
    // Negative control: the holder's grant was uncontended and counts 0.
    expect(mutex.stats).toMatchObject({ acquisitions: 1, contended: 0, waiters: 1 });
    held?.unlock(); // skips the four, grants a ticket nobody has: the patient one's, at once
    expect(await patient).toBe('granted');
    expect(mutex.locked).toBe(false);
    expect(mutex.stats).toMatchObject({ acquisitions: 2, contended: 1, timeouts: 4, waiters: 0 });
  });

  it('counts a blocking window waiter (a worker) granted at once as contended too', async () => {
    const mutex = new SharedMutex({ name: 'window', maxWaiters: 1 });
    const held = mutex.tryAcquire();
    const doomed = [1, 2].map(() => outcome(mutex.acquire({ timeout: 20 })));
    expect(await Promise.all(doomed)).toEqual(timedOut(2)); // their tickets fill the line
    const worker = startWorker('mutex-misuse.js', {
      mutex: mutex.handle,
      misuse: 'acquire-with-timeout',
      timeout: 10_000,
    });
    await until(() => mutex.stats.waiters === 1, { what: 'the worker to wait for a ticket' });
    expect(mutex.inspect().waiters).toEqual([
      expect.objectContaining({ id: '1 thread waiting for a ticket', threads: 1 }),
    ]);
    expect(mutex.stats.contended).toBe(0);
    held?.unlock();
    expect(await nextMessage(worker)).toBe('none');
    expect(mutex.stats).toMatchObject({ acquisitions: 2, contended: 1, waiters: 0 });
  });

  it('lets an arrival after that release take the free lock (async and blocking)', async () => {
    const mutex = new SharedMutex({ name: 'window', maxWaiters: 1 });
    const held = mutex.tryAcquire();
    expect(await outcome(mutex.acquire({ timeout: 20 }))).toBe('ERR_LOCK_TIMEOUT');
    held?.unlock(); // skips the abandoned ticket, grants one nobody has taken yet
    expect(mutex.locked).toBe(false);
    expect(await outcome(mutex.acquire({ timeout: 10_000 }))).toBe('granted');
    // Again, for a blocking acquire (in a worker), which would otherwise wait on a free lock.
    const again = mutex.tryAcquire();
    expect(await outcome(mutex.acquire({ timeout: 20 }))).toBe('ERR_LOCK_TIMEOUT');
    again?.unlock();
    expect(await acquireInWorker(mutex, 10_000)).toBe('none');
  });

  it('keeps the waiters behind a skipped ticket in order, window waiter last', async () => {
    const mutex = new SharedMutex({ name: 'window', maxWaiters: 4 });
    const held = mutex.tryAcquire();
    const order: string[] = [];
    const waitFor = (name: string, timeout: number): Promise<string> =>
      outcome(
        mutex.acquire({ timeout }).then((token) => {
          order.push(name);
          return token;
        }),
      );
    const doomed = waitFor('doomed', 20);
    const waits = [waitFor('a', 10_000), waitFor('b', 10_000), waitFor('c', 10_000)];
    const late = waitFor('late', 10_000); // window wait: four tickets wait behind the holder's
    expect(mutex.inspect().waiters.at(-1)?.id).toBe('1 thread waiting for a ticket');
    expect(await doomed).toBe('ERR_LOCK_TIMEOUT');
    held?.unlock();
    expect(await Promise.all([...waits, late])).toEqual([
      'granted',
      'granted',
      'granted',
      'granted',
    ]);
    expect(order).toEqual(['a', 'b', 'c', 'late']);
  });

  /*
   * White-box, as wrap.js-style checks: the state `k` uncontended acquisitions leave (offsets
   * from the layout drawn in ticket-lock.ts), so that the N waiters' tickets and the holder's
   * shared slot cross the 29-bit slot tag, the Int32 sign and 2^32.
   */
  const NEXT = HEADER_WORDS;
  const SERVING = HEADER_WORDS + 1;
  const SLOTS = HEADER_WORDS + 15;
  function planted(k: number, n: number): SharedMutex {
    const mutex = new SharedMutex({ name: 'planted', maxWaiters: n });
    const cells = new Int32Array(mutex.handle.buffer);
    cells[NEXT] = k | 0;
    cells[SERVING] = (k - 1) | 0;
    for (let j = 1; j < n; j++) cells[SLOTS + ((k + j) & (n - 1))] = slotValue((k + j) | 0, IDLE);
    cells[SLOTS + (k & (n - 1))] = slotValue(k | 0, GRANTED);
    return mutex;
  }

  it('plants the state real acquisitions leave', () => {
    const real = new SharedMutex({ maxWaiters: 4 });
    for (let i = 0; i < 37; i++) real.tryAcquire()?.unlock();
    // next, serving, owner, ownerSince and the slot states (the counters differ, of course).
    const state = (mutex: SharedMutex): number[] => {
      const cells = new Int32Array(mutex.handle.buffer);
      return [...cells.slice(NEXT, NEXT + 4), ...cells.slice(SLOTS, SLOTS + 4)];
    };
    expect(state(planted(37, 4))).toEqual(state(real));
  });

  it.each([
    ['the 29-bit slot tag', 2 ** 29 - 2],
    ['the Int32 sign', 2 ** 31 - 2],
    ['2^32', -2],
  ])('admits N waiters in order across %s', async (_, k) => {
    const mutex = planted(k, 2);
    const held = mutex.tryAcquire();
    const order: number[] = [];
    const waits = [0, 1, 2].map((i) =>
      outcome(
        mutex.acquire({ timeout: 10_000 }).then((token) => {
          order.push(i);
          return token;
        }),
      ),
    );
    expect(mutex.inspect().waiters.map((w) => w.id)).toEqual([
      'main thread',
      'main thread',
      '1 thread waiting for a ticket',
    ]);
    held?.unlock();
    expect(await Promise.all(waits)).toEqual(['granted', 'granted', 'granted']);
    expect(order).toEqual([0, 1, 2]);
    const cells = new Int32Array(mutex.handle.buffer);
    expect([cells[NEXT], cells[SERVING]]).toEqual([(k + 4) | 0, (k + 3) | 0]);
    expect(mutex.tryAcquire()).not.toBeNull(); // free, ticket k + 4 granted
  });
});

describe('SharedClock', () => {
  // Stamps are rounded to the ms and ages are not: a stamp taken a moment ago may be up to
  // 0.5 ms ahead of the unrounded now, and a report must not show a negative wait.
  it('reads the age of a stamp ahead of now as 0, never negative', () => {
    const clock = new SharedClock(createSharedBuffer(0));
    const now = clock.now();
    expect(clock.ageMs(now + 0.4, now)).toBe(0);
    expect(clock.ageMs(now - 2, now)).toBe(2);
  });
});
