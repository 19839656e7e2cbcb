import fc from 'fast-check';
import { BoundedSemaphore, Semaphore } from '../src/index';
import { breaks, holds } from './support/properties';

describe('Semaphore', () => {
  it('admits `permits` holders and queues the rest', async () => {
    const semaphore = new Semaphore({ permits: 2 });
    const a = await semaphore.acquire();
    const b = await semaphore.acquire();
    expect(semaphore.tryAcquire()).toBeNull();
    expect(semaphore.stats).toMatchObject({ holders: 2 });
    const c = semaphore.acquire();
    a.unlock();
    (await c).unlock();
    b.unlock();
    expect(semaphore.value).toBe(2);
  });

  it('release(n) adds permits without an acquire and wakes that many waiters, oldest first', async () => {
    const semaphore = new Semaphore({ permits: 0 });
    const order: number[] = [];
    const waits = [1, 2, 3].map((id) =>
      semaphore.acquire().then(() => {
        order.push(id);
      }),
    );
    semaphore.release(2);
    await Promise.all(waits.slice(0, 2));
    expect(order).toEqual([1, 2]);
    expect(semaphore.stats.waiters).toBe(1);
    semaphore.release();
    await waits[2];
    expect(order).toEqual([1, 2, 3]);
  });

  it('times out and aborts like the other locks', async () => {
    const semaphore = new Semaphore({ permits: 0 });
    await expect(semaphore.acquire({ timeout: 5 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    const reason = new Error('stop');
    const controller = new AbortController();
    const aborted = semaphore.acquire({ signal: controller.signal });
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    expect(semaphore.stats).toMatchObject({ timeouts: 1, aborts: 1, waiters: 0 });
  });

  it('never has more than `permits` holders in any interleaving (negative control: one permit too many)', async () => {
    const property = (extra: number) =>
      fc.asyncProperty(
        fc.scheduler(),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 6 }),
        async (s, permits, lanes) => {
          const semaphore = new Semaphore({ permits: permits + extra });
          let inside = 0;
          let most = 0;
          const lane = async (id: number): Promise<void> => {
            await s.schedule(Promise.resolve(`lane ${id} arrives`));
            using _permit = await semaphore.acquire();
            most = Math.max(most, ++inside);
            await s.schedule(Promise.resolve(`lane ${id} inside`));
            inside--;
          };
          await s.waitFor(
            Promise.all(Array.from({ length: lanes + permits }, (_, id) => lane(id))),
          );
          expect(most).toBeLessThanOrEqual(permits);
          expect(semaphore.value).toBe(permits + extra);
        },
      );
    await holds(property(0));
    await breaks(property(1));
  });
});

describe('BoundedSemaphore', () => {
  it('refuses a release beyond its bound with ERR_LOCK_OVER_RELEASE', async () => {
    const semaphore = new BoundedSemaphore({ permits: 1, name: 'pool' });
    expect(() => semaphore.release()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_OVER_RELEASE', bound: 1, lock: 'pool' }),
    );
    const token = await semaphore.acquire();
    token.unlock();
    expect(semaphore.value).toBe(1);
    expect(semaphore.bound).toBe(1);
  });

  it('ends the hold of a token whose permit a stray release() already gave back', async () => {
    const semaphore = new BoundedSemaphore({ permits: 1, name: 'pool' });
    const token = await semaphore.acquire();
    semaphore.release(); // unmatched: the permit the token holds is free again
    expect(() => token.unlock()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_OVER_RELEASE', bound: 1 }),
    );
    expect(token.locked).toBe(false);
    expect(token.unlock()).toBe(false);
    expect(semaphore.stats).toMatchObject({ holders: 0, waiters: 0 });
    expect(semaphore.inspect().holders).toEqual([]);
    expect(semaphore.value).toBe(1);
    (await semaphore.acquire()).unlock();
    expect(semaphore.value).toBe(1);
  });

  it('negative control: a plain Semaphore accepts the same extra release and grows', () => {
    const semaphore = new Semaphore({ permits: 1 });
    semaphore.release();
    expect(semaphore.value).toBe(2);
  });

  it('reports its own kind', () => {
    expect(new BoundedSemaphore().stats.kind).toBe('BoundedSemaphore');
    expect(new Semaphore().stats.kind).toBe('Semaphore');
  });
});
