import { describe, expect, it } from '@jest/globals';
import { setTimeout as sleep } from 'node:timers/promises';
import { AsyncQueue, SharedRingQueue, WorkQueue } from '../src/index';
import { flush, rejectionCode, thrownCode, track } from './support/settlement';

// Node's timers hold at most 2^31 - 1 ms; setTimeout(fn, 2 ** 31) fires after ~1 ms with a
// TimeoutOverflowWarning. The queues used to pass such a timeout through, so a get "with a
// 24-day timeout" gave up at once with ERR_QUEUE_EMPTY. One rule now, the locks' rule: refuse.
const PAST_THE_LIMIT = 2 ** 31;
const THE_LIMIT = 2 ** 31 - 1;

describe('a timeout past the timer limit', () => {
  it('is refused by get and put as an invalid argument, not turned into ~1 ms', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    expect(await rejectionCode(queue.get({ timeout: PAST_THE_LIMIT }))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
    queue.tryPut(1); // full from here on: a put would wait
    expect(await rejectionCode(queue.put(2, { timeout: PAST_THE_LIMIT }))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
    expect(queue.stats).toMatchObject({ size: 1, waitingGetters: 0, waitingPutters: 0 });
  });

  it('is refused by join, onSizeBelow and the shared ring, blocking or not', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    queue.tryPut(1);
    expect(await rejectionCode(queue.join({ timeout: PAST_THE_LIMIT }))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
    expect(await rejectionCode(queue.onSizeBelow(1, { timeout: PAST_THE_LIMIT }))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
    const work = new WorkQueue({ concurrency: 1 });
    expect(await rejectionCode(work.onSizeBelow(1, { timeout: PAST_THE_LIMIT }))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
    const ring = new SharedRingQueue({ capacity: 1, slotBytes: 1 });
    expect(await rejectionCode(ring.getAsync({ timeout: PAST_THE_LIMIT }))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
    expect(thrownCode(() => ring.get({ timeout: PAST_THE_LIMIT }))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
  });

  it('control: a timeout at the limit is a real wait on both sides, not one that ends early', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    const controller = new AbortController();
    const wait = { timeout: THE_LIMIT, signal: controller.signal };
    const get = track(queue.get(wait));
    await sleep(20); // the overflowed timer used to give up after ~1 ms
    expect(get.status).toBe('pending');
    queue.tryPut(7);
    await flush();
    expect(get).toMatchObject({ status: 'resolved', value: 7 });

    queue.tryPut(8);
    const put = track(queue.put(9, wait));
    await sleep(20);
    expect(put.status).toBe('pending');
    const reason = new Error('caller gave up');
    controller.abort(reason);
    await flush();
    expect(put).toMatchObject({ status: 'rejected', reason });
    expect(queue.stats).toMatchObject({ size: 1, waitingPutters: 0 });
  });
});
