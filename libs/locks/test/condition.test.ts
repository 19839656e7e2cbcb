import { setTimeout as sleep, setImmediate as turn } from 'node:timers/promises';
import { Condition, LockOwner, Mutex, RLock } from '../src/index';

describe('Condition', () => {
  it('hands items from producers to consumers without losing a wake-up', async () => {
    const cond = new Condition({ name: 'queue' });
    const queue: number[] = [];
    const consumed: number[] = [];
    const consumer = async (): Promise<void> => {
      for (let i = 0; i < 5; i++) {
        using token = await cond.acquire();
        await cond.waitFor(token, () => queue.length > 0);
        consumed.push(queue.shift() as number);
      }
    };
    const producer = async (): Promise<void> => {
      for (let i = 0; i < 10; i++) {
        await turn();
        using _token = await cond.acquire();
        queue.push(i);
        cond.notify();
      }
    };
    await Promise.all([consumer(), consumer(), producer()]);
    expect(consumed.sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  it('negative control: a notify before anyone waits is lost, which is why waitFor checks first', async () => {
    const cond = new Condition();
    let ready = false;
    {
      using _token = await cond.acquire();
      ready = true;
      expect(cond.notify()).toBe(0); // nobody waits yet: this wake-up goes nowhere
    }
    using token = await cond.acquire();
    await expect(cond.wait(token, { timeout: 10 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    await expect(cond.waitFor(token, () => ready, { timeout: 10 })).resolves.toBe(true);
  });

  it('notify(n) wakes the n oldest waiters', async () => {
    const cond = new Condition();
    const woken: number[] = [];
    const waiters = [1, 2, 3].map(async (id) => {
      using token = await cond.acquire();
      await cond.wait(token);
      woken.push(id);
    });
    await turn();
    expect(cond.stats.waiters).toBe(3);
    {
      using _token = await cond.acquire();
      expect(cond.notify(2)).toBe(2);
    }
    await Promise.all(waiters.slice(0, 2));
    expect(woken).toEqual([1, 2]);
    {
      using _token = await cond.acquire();
      expect(cond.notifyAll()).toBe(1);
    }
    await waiters[2];
    expect(woken).toEqual([1, 2, 3]);
  });

  it('holds the lock again when a wait times out, and the token releases it', async () => {
    const cond = new Condition();
    const token = await cond.acquire();
    await expect(cond.wait(token, { timeout: 5 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    expect(cond.lock.locked).toBe(true);
    expect(token.locked).toBe(true);
    expect(token.unlock()).toBe(true);
    expect(cond.lock.locked).toBe(false);
  });

  it.each([
    ['after a wake-up', (cond: Condition) => cond.withLock(() => cond.notify())],
    [
      // Woken, but the notifier keeps the lock past the deadline: the next round has 0 ms left.
      'when the lock comes back only after the deadline',
      (cond: Condition) =>
        cond.withLock(async () => {
          cond.notify();
          await sleep(60);
        }),
    ],
  ])('reports the caller’s timeout when waitFor times out %s', async (_when, wake) => {
    const cond = new Condition({ name: 'c' });
    const token = await cond.acquire();
    const waiting = cond.waitFor(token, () => false, { timeout: 50 });
    await turn(); // the first round waits now
    await wake(cond);
    const error = await waiting.catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
      timeoutMs: 50,
      message: 'timed out after 50 ms waiting for c',
    });
    expect(token.locked).toBe(true);
    token.unlock();
  });

  it('waitFor times out on its whole budget while notifications keep waking it', async () => {
    const cond = new Condition();
    const token = await cond.acquire();
    const order: string[] = [];
    // Wakes the waiter every 30 ms, 15 times (450 ms at least): far past the 100 ms budget.
    let notifications = 0;
    const notifier = new Promise<void>((resolve) => {
      const timer = setInterval(() => {
        void cond.withLock(() => cond.notifyAll());
        if (++notifications === 15) {
          clearInterval(timer);
          order.push('notifier stopped');
          resolve();
        }
      }, 30);
    });
    await cond
      .waitFor(token, () => false, { timeout: 100 })
      .catch((error: unknown) => {
        order.push((error as { code: string }).code);
      });
    token.unlock();
    await notifier;
    // A wait that took a fresh 100 ms each round would be woken before every deadline and time
    // out only after the notifier stopped.
    expect(order).toEqual(['ERR_LOCK_TIMEOUT', 'notifier stopped']);
    expect(notifications).toBe(15);
  });

  it('gives the lock up while waiting', async () => {
    const cond = new Condition();
    const token = await cond.acquire();
    const waiting = cond.wait(token);
    expect(cond.lock.locked).toBe(false);
    expect(token.locked).toBe(false);
    expect(token.unlock()).toBe(false); // lent away: cannot be released twice
    {
      using _other = await cond.acquire();
      cond.notify();
    }
    await waiting;
    expect(token.locked).toBe(true);
    token.unlock();
  });

  it('refuses notify() without the lock and wait() without a held token of its lock', async () => {
    const cond = new Condition();
    expect(() => cond.notify()).toThrow(expect.objectContaining({ code: 'ERR_LOCK_NOT_OWNER' }));
    const foreign = await new Mutex().acquire();
    await expect(cond.wait(foreign)).rejects.toMatchObject({ code: 'ERR_LOCK_NOT_OWNER' });
    const released = await cond.acquire();
    released.unlock();
    await expect(cond.wait(released)).rejects.toMatchObject({ code: 'ERR_LOCK_NOT_OWNER' });
  });

  it('works over an RLock held at depth 2, restoring the depth after the wait', async () => {
    const rlock = new RLock();
    const cond = new Condition({ lock: rlock });
    let ready = false;
    const waiter = rlock.withLock(async () => {
      using token = await cond.acquire();
      expect(rlock.depth).toBe(2);
      await cond.waitFor(token, () => ready);
      return rlock.depth;
    });
    await turn();
    expect(rlock.locked).toBe(false);
    await rlock.withLock(() => {
      ready = true;
      cond.notify();
    });
    await expect(waiter).resolves.toBe(2);
    expect(rlock.locked).toBe(false);
  });

  // A wait on the inner token of an RLock held at depth 2 lends both levels away; the outer
  // token still reads as locked, but its owner no longer holds anything.
  it('refuses an RLock token of an owner whose levels a wait lent away (ERR_LOCK_NOT_OWNER)', async () => {
    const rlock = new RLock();
    const cond = new Condition({ lock: rlock });
    const [a, b] = [new LockOwner('a'), new LockOwner('b')];
    const outer = await rlock.acquire({ owner: a });
    const inner = await rlock.acquire({ owner: a });
    const waiting = cond.wait(inner);
    const held = await rlock.acquire({ owner: b, timeout: 10_000 });
    expect(() => outer.unlock()).toThrow(
      expect.objectContaining({
        code: 'ERR_LOCK_NOT_OWNER',
        message: expect.stringContaining('held by b'),
      }),
    );
    expect(rlock.stats.holders).toBe(1);
    expect(rlock.inspect().holders).toEqual([{ id: 'b' }]);
    // b's hold is intact: c must wait for it.
    await expect(rlock.acquire({ owner: new LockOwner('c'), timeout: 20 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    cond.notify();
    held.unlock();
    await waiting;
    // The wait gave a's two levels back, and the refused outer token still releases its own.
    expect(rlock.depth).toBe(2);
    expect(outer.locked).toBe(true);
    expect(inner.unlock()).toBe(true);
    expect(outer.unlock()).toBe(true);
    expect(rlock.locked).toBe(false);
  });

  it('refuses it while nobody holds the RLock too, so it still counts once the wait is back', async () => {
    const rlock = new RLock();
    const cond = new Condition({ lock: rlock });
    const a = new LockOwner('a');
    const outer = await rlock.acquire({ owner: a });
    const inner = await rlock.acquire({ owner: a });
    const waiting = cond.wait(inner);
    expect(rlock.locked).toBe(false);
    expect(() => outer.unlock()).toThrow(expect.objectContaining({ code: 'ERR_LOCK_NOT_OWNER' }));
    await a.run(() => rlock.withLock(() => cond.notify()));
    await waiting;
    inner.unlock();
    expect(outer.unlock()).toBe(true);
    expect(rlock.locked).toBe(false);
  });
});
