import { SharedSemaphore } from '../src/index';
import { WaiterRing } from '../src/shared/waiter-ring';
import { until } from '@concurrency-lab/launcher/testing';
import { nextMessage, runAll, startWorker, terminateAll } from './support/workers';

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

  it('as a bounded semaphore takes back the matched releases of several threads at once', async () => {
    // Every unlock matches a take: a refusal would throw in the worker and fail the run.
    const semaphore = new SharedSemaphore({ permits: 2, bounded: true });
    expect(await mostInside(semaphore)).toBe(2);
    expect(semaphore.value).toBe(2);
  });

  /** A holder taking and giving back the one permit, racing a releaser that has none to give. */
  async function mostSeen(semaphore: SharedSemaphore): Promise<number> {
    const cells = new SharedArrayBuffer(8);
    const race = { semaphore: semaphore.handle, cells, rounds: 300_000 };
    const seen = await runAll<number>('bounded-race.js', [
      { ...race, role: 'holder' },
      { ...race, role: 'releaser' },
    ]);
    return Math.max(...seen, semaphore.value);
  }

  // Applying pending permits empties `pending` before raising `value`: a bound checked on the
  // two cells let an extra release() in between (value 2 with bound 1, every run of this test).
  it('as a bounded semaphore never holds more than its bound while releases race', async () => {
    expect(await mostSeen(new SharedSemaphore({ permits: 1, bounded: true }))).toBe(1);
  });

  it('negative control: unbounded, the same race lets the value grow past 1', async () => {
    expect(await mostSeen(new SharedSemaphore({ permits: 1 }))).toBeGreaterThan(1);
  });

  it('unbounded and full, never counts past 2^31 - 1 while releases race (no wrap to negative)', async () => {
    const max = 2 ** 31 - 1;
    const semaphore = new SharedSemaphore({ permits: max });
    expect(await mostSeen(semaphore)).toBe(max);
    expect(semaphore.value).toBe(max);
    expect(semaphore.stats.holders).toBe(0);
  });

  it('ends the hold of a token whose permit a stray release() already gave back', async () => {
    const semaphore = new SharedSemaphore({ permits: 1, bounded: true, name: 'pool' });
    const token = semaphore.tryAcquire();
    semaphore.release(); // unmatched: the permit the token holds is free again
    expect(() => token?.unlock()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_OVER_RELEASE', bound: 1, lock: 'pool' }),
    );
    expect(token?.locked).toBe(false);
    expect(token?.unlock()).toBe(false);
    expect(semaphore.stats).toMatchObject({ holders: 0, waiters: 0 });
    expect(semaphore.inspect().holders).toEqual([]);
    expect(semaphore.value).toBe(1);
    // Another thread sees the same: one permit, nobody holding it.
    const worker = startWorker('semaphore-holder.js', {
      semaphore: semaphore.handle,
      cells: new SharedArrayBuffer(12),
      rounds: 3,
      parties: 1,
    });
    expect(await nextMessage(worker)).toBe('done');
    expect(semaphore.stats.holders).toBe(0);
    expect(semaphore.value).toBe(1);
  });

  // The permits live in an Int32 cell: past 2^31 - 1 the value wrapped negative and the
  // semaphore granted nothing again, with no error (release(1) at the maximum did it).
  it('refuses a release past 2^31 - 1 free permits (ERR_LOCK_INVALID_ARGUMENT) and keeps working', async () => {
    const max = 2 ** 31 - 1;
    const full = new SharedSemaphore({ permits: max, name: 'full' });
    expect(() => full.release()).toThrow(
      expect.objectContaining({
        code: 'ERR_LOCK_INVALID_ARGUMENT',
        message: expect.stringMatching(/^Expected `count` to be at most 0 \(full has 2147483647 /),
      }),
    );
    expect(full.value).toBe(max);
    expect(full.tryAcquire()).not.toBeNull();

    const empty = new SharedSemaphore({ permits: 0 });
    empty.release(max);
    expect(() => empty.release(max)).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_INVALID_ARGUMENT' }),
    );
    expect(empty.value).toBe(max); // the refused release changed nothing
    (await empty.acquire({ timeout: 1000 })).unlock();
    expect(empty.value).toBe(max);

    // A token whose permit a stray release() already counted: its hold ends, the permit is
    // dropped (as a bounded semaphore drops it), and the value stays at the maximum.
    const held = new SharedSemaphore({ permits: 1 });
    const token = held.tryAcquire();
    held.release(max);
    expect(() => token?.unlock()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_INVALID_ARGUMENT' }),
    );
    expect(token?.locked).toBe(false);
    expect(held.stats.holders).toBe(0);
    expect(held.value).toBe(max);
  });

  // The thread that granted a queued waiter its permit took it out of `free` only after the
  // grant, so the waiter could run and release first: a matched release refused as an
  // over-release, and the permit lost (value 0, every later acquire timing out). Seen as a rare
  // failure of the "matched releases of several threads" test on a loaded machine; here the
  // granter is held up right after its grant, deterministically.
  it("as a bounded semaphore takes back a waiter's release made before its granter moves on", async () => {
    const semaphore = new SharedSemaphore({ permits: 1, bounded: true });
    const held = semaphore.tryAcquire();
    const cells = new Int32Array(new SharedArrayBuffer(8)); // [done, refused]
    const worker = startWorker('semaphore-grantee.js', {
      semaphore: semaphore.handle,
      cells: cells.buffer,
    });
    await until(() => semaphore.stats.waiters === 1, { what: 'the worker to queue' });
    const grantNext = Object.getOwnPropertyDescriptor(WaiterRing.prototype, 'grantNext')?.value as (
      this: WaiterRing,
    ) => boolean;
    const stalled = jest.spyOn(WaiterRing.prototype, 'grantNext').mockImplementation(function (
      this: WaiterRing,
    ) {
      const granted = grantNext.call(this);
      // The granter is descheduled here until the grantee has used its permit and given it back.
      if (granted) Atomics.wait(cells, 0, 0, 5000);
      return granted;
    });
    try {
      held?.unlock();
    } finally {
      stalled.mockRestore();
    }
    expect(await nextMessage(worker)).toBe('done'); // or the worker's error, if it failed
    expect(Atomics.load(cells, 1)).toBe(0); // its release was not refused
    expect(semaphore.value).toBe(1);
    expect(semaphore.stats).toMatchObject({ holders: 0, waiters: 0 });
    (await semaphore.acquire({ timeout: 1000 })).unlock();
  });
});
