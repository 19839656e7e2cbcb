import { SharedSemaphore } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { runAll, terminateAll } from './support/workers';

afterEach(terminateAll);

async function mostInside(semaphore: SharedSemaphore | undefined): Promise<number> {
  const cells = new Int32Array(new SharedArrayBuffer(12)); // [inside, most, started]
  const holder = { semaphore: semaphore?.handle, cells: cells.buffer, rounds: 100, parties: 4 };
  await runAll('semaphore-holder.js', Array<unknown>(4).fill(holder));
  return Atomics.load(cells, 1);
}

describe('SharedSemaphore across threads', () => {
  it('never lets more than `permits` threads in at once', async () => {
    const semaphore = new SharedSemaphore({ permits: 2 });
    expect(await mostInside(semaphore)).toBe(2);
    expect(semaphore.stats).toMatchObject({ acquisitions: 400, holders: 0, waiters: 0 });
    expect(semaphore.value).toBe(2);
  });

  it('negative control: without it, more than 2 threads are inside at once', async () => {
    expect(await mostInside(undefined)).toBeGreaterThan(2);
  });

  it('lets the main thread wait without blocking and signal by release() (no token needed)', async () => {
    const semaphore = new SharedSemaphore({ permits: 0, name: 'jobs' });
    const waiting = semaphore.acquire();
    await until(() => semaphore.stats.waiters === 1, { what: 'the main thread to queue' });
    expect(semaphore.inspect().waiters.map((w) => w.id)).toEqual(['main thread']);
    semaphore.release();
    (await waiting).unlock();
    expect(semaphore.value).toBe(1);
    await expect(new SharedSemaphore({ permits: 0 }).acquire({ timeout: 5 })).rejects.toMatchObject(
      {
        code: 'ERR_LOCK_TIMEOUT',
      },
    );
  });

  it('as a bounded semaphore refuses an over-release with ERR_LOCK_OVER_RELEASE, in every thread that adopts it', async () => {
    const semaphore = new SharedSemaphore({ permits: 1, bounded: true });
    expect(() => semaphore.release()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_OVER_RELEASE', bound: 1 }),
    );
    const adopted = SharedSemaphore.from(semaphore.handle);
    expect(adopted.bound).toBe(1);
    const token = adopted.tryAcquire();
    expect(semaphore.tryAcquire()).toBeNull();
    token?.unlock();
    expect(() => adopted.release()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_OVER_RELEASE' }),
    );
    expect(semaphore.value).toBe(1);
  });
});
