import { getEventListeners } from 'node:events';
import { setTimeout as sleep, setImmediate as turn } from 'node:timers/promises';
import { LockOwner, Mutex, type UnlockToken } from '../src/index';

describe('Mutex', () => {
  it('grants a free mutex at once and reports it locked until the token is unlocked', async () => {
    const mutex = new Mutex({ name: 'counter' });
    const token = await mutex.acquire();
    expect(mutex.locked).toBe(true);
    expect(token.locked).toBe(true);
    expect(token.unlock()).toBe(true);
    expect(mutex.locked).toBe(false);
    expect(token.locked).toBe(false);
  });

  it('treats a second unlock of the same token as a no-op', async () => {
    const mutex = new Mutex();
    const first = await mutex.acquire();
    first.unlock();
    const second = await mutex.acquire();
    expect(first.unlock()).toBe(false);
    expect(mutex.locked).toBe(true);
    second.unlock();
  });

  it('makes a second acquirer wait until the holder releases', async () => {
    const mutex = new Mutex();
    const token = await mutex.acquire();
    let granted = false;
    const waiting = mutex.acquire().then((next) => {
      granted = true;
      return next;
    });
    await turn();
    expect(granted).toBe(false);
    token.unlock();
    (await waiting).unlock();
    expect(granted).toBe(true);
  });

  it('tryAcquire grants when free and returns null when held', () => {
    const mutex = new Mutex();
    const token = mutex.tryAcquire();
    expect(token).not.toBeNull();
    expect(mutex.tryAcquire()).toBeNull();
    token?.unlock();
    expect(mutex.tryAcquire()?.unlock()).toBe(true);
  });

  it('tryAcquire never jumps the queue', async () => {
    const mutex = new Mutex();
    const token = await mutex.acquire();
    const waiting = mutex.acquire();
    token.unlock(); // handed straight to the waiter
    expect(mutex.tryAcquire()).toBeNull();
    (await waiting).unlock();
  });

  it('releases at the end of a `using` block, also when the block throws', async () => {
    const mutex = new Mutex();
    await expect(
      (async () => {
        using _token = await mutex.acquire();
        expect(mutex.locked).toBe(true);
        throw new Error('boom');
      })(),
    ).rejects.toThrow('boom');
    expect(mutex.locked).toBe(false);
  });

  it('withLock returns the result and releases when fn throws', async () => {
    const mutex = new Mutex();
    await expect(mutex.withLock(async () => 42)).resolves.toBe(42);
    await expect(
      mutex.withLock(() => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(mutex.locked).toBe(false);
  });

  it('rejects with ERR_LOCK_TIMEOUT after the timeout and leaves the queue', async () => {
    const mutex = new Mutex({ name: 'slow' });
    const token = await mutex.acquire();
    await expect(mutex.acquire({ timeout: 5 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
      lock: 'slow',
      timeoutMs: 5,
    });
    expect(mutex.stats).toMatchObject({ waiters: 0, timeouts: 1 });
    token.unlock();
    expect(mutex.locked).toBe(false);
  });

  describe('when a timeout races the grant (fake timers, so the order is chosen)', () => {
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
    afterEach(() => jest.useRealTimers());

    it('a grant first: the timer is cleared and the waiter holds the lock', async () => {
      const mutex = new Mutex();
      const holder = await mutex.acquire();
      const waiting = mutex.acquire({ timeout: 10 });
      expect(jest.getTimerCount()).toBe(1);
      holder.unlock();
      expect(jest.getTimerCount()).toBe(0);
      jest.advanceTimersByTime(20);
      const token = await waiting;
      expect(mutex.stats).toMatchObject({ timeouts: 0, holders: 1 });
      expect(token.unlock()).toBe(true);
      expect(mutex.locked).toBe(false);
    });

    it('the timeout first: the waiter leaves and the release frees the lock', async () => {
      const mutex = new Mutex();
      const holder = await mutex.acquire();
      const waiting = mutex.acquire({ timeout: 10 });
      jest.advanceTimersByTime(10);
      await expect(waiting).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
      holder.unlock();
      expect(mutex.locked).toBe(false);
      expect(mutex.stats).toMatchObject({ timeouts: 1, waiters: 0, holders: 0 });
    });
  });

  it('with timeout 0 tries once without waiting', async () => {
    const mutex = new Mutex();
    const token = await mutex.acquire({ timeout: 0 });
    await expect(mutex.acquire({ timeout: 0 })).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
    token.unlock();
  });

  it('with timeout 0 on a held mutex refuses at once, counted as a timeout, even if the holder releases in the same tick', async () => {
    const mutex = new Mutex({ name: 'busy' });
    const holder = await mutex.acquire();
    const tried = mutex.acquire({ timeout: 0 });
    // Never queued: a try that waited for a 0 ms timer would be granted by the release below.
    const waitersAfterTheCall = mutex.stats.waiters;
    holder.unlock();
    await expect(tried).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
      lock: 'busy',
      timeoutMs: 0,
    });
    expect(waitersAfterTheCall).toBe(0);
    expect(mutex.stats).toMatchObject({ timeouts: 1, aborts: 0, acquisitions: 1, holders: 0 });
  });

  it('rejects with the signal reason when aborted while waiting, and the next waiter still gets it', async () => {
    const mutex = new Mutex();
    const token = await mutex.acquire();
    const controller = new AbortController();
    const aborted = mutex.acquire({ signal: controller.signal });
    const next = mutex.acquire();
    const reason = new Error('client went away');
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    token.unlock();
    const nextToken = await next;
    expect(mutex.stats).toMatchObject({ aborts: 1, holders: 1, waiters: 0 });
    nextToken.unlock();
  });

  it('rejects at once for an already aborted signal, even when the mutex is free', async () => {
    const mutex = new Mutex();
    const reason = new Error('too late');
    await expect(mutex.acquire({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(mutex.locked).toBe(false);
    expect(mutex.stats).toMatchObject({ aborts: 1, timeouts: 0, acquisitions: 0, waiters: 0 });
  });

  it('counts acquisitions, contention and the oldest waiter in its stats', async () => {
    const mutex = new Mutex({ name: 'm' });
    const token = await mutex.acquire();
    const waiting = mutex.acquire();
    await new Promise((resolve) => setTimeout(resolve, 5));
    const during = mutex.stats;
    expect(during).toMatchObject({ name: 'm', kind: 'Mutex', holders: 1, waiters: 1 });
    expect(during.oldestWaiterMs).toBeGreaterThan(0);
    expect(Object.isFrozen(during)).toBe(true);
    token.unlock();
    (await waiting).unlock();
    expect(mutex.stats).toMatchObject({
      holders: 0,
      waiters: 0,
      acquisitions: 2,
      contended: 1,
      oldestWaiterMs: 0,
    });
  });

  it('ages oldestWaiterMs by the waiter queued first, not the newest', async () => {
    const mutex = new Mutex();
    const holder = await mutex.acquire();
    const first = mutex.acquire();
    const firstQueuedBy = performance.now(); // its stamp is this or earlier
    await sleep(60);
    const second = mutex.acquire();
    // Read before the snapshot: the first waiter's age is at least this.
    const firstAgeAtLeast = performance.now() - firstQueuedBy;
    const { oldestWaiterMs, waiters } = mutex.stats;
    expect(waiters).toBe(2);
    expect(firstAgeAtLeast).toBeGreaterThan(50); // the control: the two waiters are far apart
    expect(oldestWaiterMs).toBeGreaterThanOrEqual(firstAgeAtLeast);
    holder.unlock();
    (await first).unlock();
    (await second).unlock();
  });

  it('leaves no abort listener on a long-lived signal once its waits are granted', async () => {
    const mutex = new Mutex();
    const { signal } = new AbortController(); // a server's shutdown signal, say: never aborts
    const holder = await mutex.acquire();
    const waits = Array.from({ length: 20 }, () => mutex.acquire({ signal }));
    // The control: every queued wait listens while it waits.
    expect(getEventListeners(signal, 'abort')).toHaveLength(20);
    holder.unlock();
    for (const wait of waits) (await wait).unlock();
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });

  it('names holders and waiters by owner in inspect()', async () => {
    const mutex = new Mutex({ name: 'm' });
    const holder = new LockOwner('holder');
    const token = await mutex.acquire({ owner: holder });
    const waiting = mutex.acquire({ owner: new LockOwner('waiter') });
    const inspection = mutex.inspect();
    expect(inspection.holders.map((h) => h.id)).toEqual(['holder']);
    expect(inspection.waiters.map((w) => w.id)).toEqual(['waiter']);
    token.unlock();
    (await waiting).unlock();
  });

  it('keeps mutual exclusion across awaits (and loses updates without it: the negative control)', async () => {
    const run = async (mutex: Mutex | undefined): Promise<number> => {
      let value = 0;
      const lane = async (): Promise<void> => {
        for (let i = 0; i < 50; i++) {
          const token: UnlockToken | undefined = await mutex?.acquire();
          const seen = value;
          await turn();
          value = seen + 1;
          token?.unlock();
        }
      };
      await Promise.all(Array.from({ length: 4 }, lane));
      return value;
    };
    expect(await run(new Mutex())).toBe(200);
    expect(await run(undefined)).toBeLessThan(200);
  });
});
