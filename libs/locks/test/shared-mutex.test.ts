import { threadId } from 'node:worker_threads';
import { SharedEvent, SharedMutex } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
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

describe('SharedMutex with every ticket slot taken (window wait)', () => {
  // N slots (maxWaiters rounded up to a power of two, at least 2): the holder's ticket and
  // N - 1 waiters' fill them, and the next arrival waits for a free slot. Here tickets ahead of
  // it time out, and the release skips them.
  const outcome = (wait: Promise<{ unlock(): boolean }>): Promise<string> =>
    wait.then(
      (token) => (token.unlock(), 'granted'),
      (error: { code?: string }) => error.code ?? 'an error without a code',
    );

  it('wakes a window waiter when the release skips the abandoned tickets ahead of it', async () => {
    const mutex = new SharedMutex({ name: 'window', maxWaiters: 4 });
    const held = mutex.tryAcquire();
    const doomed = [1, 2, 3].map(() => outcome(mutex.acquire({ timeout: 20 })));
    const patient = outcome(mutex.acquire({ timeout: 10_000 })); // the 5th ticket: no slot left
    expect(mutex.stats.waiters).toBe(3); // the window waiter has no ticket, so is not listed
    expect(await Promise.all(doomed)).toEqual([
      'ERR_LOCK_TIMEOUT',
      'ERR_LOCK_TIMEOUT',
      'ERR_LOCK_TIMEOUT',
    ]);
    held?.unlock();
    expect(await patient).toBe('granted');
    expect(mutex.locked).toBe(false);
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
    const waits = [waitFor('a', 10_000), waitFor('b', 10_000)];
    const late = waitFor('late', 10_000); // window wait: four tickets are out
    expect(await doomed).toBe('ERR_LOCK_TIMEOUT');
    held?.unlock();
    expect(await Promise.all([...waits, late])).toEqual(['granted', 'granted', 'granted']);
    expect(order).toEqual(['a', 'b', 'late']);
  });
});
