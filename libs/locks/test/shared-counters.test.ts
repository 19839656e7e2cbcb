import { SharedMutex, SharedSemaphore } from '../src/index';
import { HEADER_WORDS } from '../src/shared/shared-clock';

/*
 * White-box: 2^31 acquisitions take minutes even uncontended, so these set a counter cell just
 * below it (offsets from the layouts drawn in ticket-lock.ts and shared-semaphore.ts) and count
 * one more through the public API.
 */
const LAST_POSITIVE = 2 ** 31 - 1;

describe('shared statistics counters', () => {
  it('keep counting past 2^31 instead of turning negative (SharedMutex)', async () => {
    const mutex = new SharedMutex();
    const cells = new Int32Array(mutex.handle.buffer);
    const acquisitions = HEADER_WORDS + 4; // next, serving, owner, ownerSince, acquisitions
    Atomics.store(cells, acquisitions, LAST_POSITIVE);
    Atomics.store(cells, acquisitions + 2, LAST_POSITIVE); // timeouts
    const token = mutex.tryAcquire();
    await expect(mutex.acquire({ timeout: 0 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    token?.unlock();
    expect(mutex.stats).toMatchObject({ acquisitions: 2 ** 31, timeouts: 2 ** 31, holders: 0 });
  });

  it('keep counting past 2^31 instead of turning negative (queueing primitives)', async () => {
    const semaphore = new SharedSemaphore({ permits: 1 });
    const cells = new Int32Array(semaphore.handle.buffer);
    const tally = HEADER_WORDS + 5; // value, held, pending, bound, free; then the tally
    Atomics.store(cells, tally, LAST_POSITIVE); // acquisitions
    Atomics.store(cells, tally + 2, LAST_POSITIVE); // timeouts
    const token = semaphore.tryAcquire();
    await expect(semaphore.acquire({ timeout: 0 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    token?.unlock();
    expect(semaphore.stats).toMatchObject({ acquisitions: 2 ** 31, timeouts: 2 ** 31 });
  });
});
