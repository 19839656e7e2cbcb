import { describe, expect, it } from '@jest/globals';
import { AsyncQueue, LifoQueue, PriorityQueue } from '../src/index';
import { flush, rejectionCode, thrownCode, track } from './support/settlement';

/**
 * `wait` on a queue of three buffered items, through a plain shutdown — which keeps the items,
 * so the wait stays pending (the control) — then an immediate one, which drops them.
 */
async function throughBothShutdowns(wait: (queue: AsyncQueue<number>) => Promise<unknown>) {
  const queue = new AsyncQueue<number>({ maxSize: 5 });
  for (const n of [1, 2, 3]) queue.tryPut(n);
  const waiting = track(wait(queue));
  queue.shutdown();
  await flush();
  expect(waiting.status).toBe('pending');
  queue.shutdown({ immediate: true });
  await flush();
  return { queue, waiting };
}

describe('shutdown() (Python 3.13)', () => {
  it('refuses later puts with ERR_QUEUE_SHUTDOWN', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 2 });
    queue.shutdown();
    expect(queue.isShutdown).toBe(true);
    expect(await rejectionCode(queue.put(1))).toBe('ERR_QUEUE_SHUTDOWN');
    expect(thrownCode(() => queue.tryPut(1))).toBe('ERR_QUEUE_SHUTDOWN');
    expect(queue.size).toBe(0);
  });

  it('still hands out what is buffered, then refuses gets with ERR_QUEUE_SHUTDOWN', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 2 });
    queue.tryPut(1);
    queue.tryPut(2);
    queue.shutdown();
    expect(await queue.get()).toBe(1);
    expect(queue.tryGet()).toBe(2);
    expect(await rejectionCode(queue.get())).toBe('ERR_QUEUE_SHUTDOWN');
    expect(thrownCode(() => queue.tryGet())).toBe('ERR_QUEUE_SHUTDOWN');
  });

  it('releases waiting consumers and waiting producers with ERR_QUEUE_SHUTDOWN', async () => {
    const empty = new AsyncQueue<number>({ maxSize: 1 });
    const getters = [track(empty.get()), track(empty.get())];
    const full = new AsyncQueue<number>({ maxSize: 1 });
    full.tryPut(0);
    const putters = [track(full.put(1)), track(full.put(2))];
    empty.shutdown();
    full.shutdown();
    await flush();
    for (const waiter of [...getters, ...putters]) {
      expect(waiter.status).toBe('rejected');
      expect((waiter.reason as { code: string }).code).toBe('ERR_QUEUE_SHUTDOWN');
    }
    expect(full.tryGet()).toBe(0); // the waiting producers' items never entered
    expect(thrownCode(() => full.tryGet())).toBe('ERR_QUEUE_SHUTDOWN');
  });

  it('with immediate, drops the buffer and counts its items as done, so join returns', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 5 });
    for (const n of [1, 2, 3]) queue.tryPut(n);
    expect(queue.tryGet()).toBe(1); // one item is being processed
    const joined = track(queue.join());
    queue.shutdown({ immediate: true });
    await flush();
    expect(queue.size).toBe(0);
    expect(queue.stats.discarded).toBe(2);
    expect(queue.unfinishedTasks).toBe(1);
    expect(joined.status).toBe('pending'); // the item in progress still counts
    queue.taskDone();
    await flush();
    expect(joined.status).toBe('resolved');
  });

  it('with immediate, releases join() at once when every unfinished item was buffered', async () => {
    const { queue, waiting: joined } = await throughBothShutdowns((q) => q.join());
    // No taskDone() will ever come for a dropped item: the shutdown itself must release join.
    expect(queue.unfinishedTasks).toBe(0);
    expect(joined.status).toBe('resolved');
  });

  it('with immediate, counts no lower than 0 after taskDone() came before get()', async () => {
    // Python allows taskDone for a put item not yet taken; its shutdown stops at 0 too.
    const queue = new AsyncQueue<number>({ maxSize: 5 });
    queue.tryPut(1);
    queue.tryPut(2);
    queue.taskDone();
    queue.taskDone();
    queue.shutdown({ immediate: true });
    expect(queue.stats).toMatchObject({ discarded: 2, unfinishedTasks: 0 });
    const joined = track(queue.join());
    await flush();
    expect(joined.status).toBe('resolved');
    expect(thrownCode(() => queue.taskDone())).toBe('ERR_QUEUE_TASK_DONE_OVERCALLED');
  });

  it('works the same for LifoQueue and PriorityQueue', async () => {
    for (const queue of [
      new LifoQueue<number>({ maxSize: 3 }),
      new PriorityQueue<number>({ maxSize: 3 }),
    ]) {
      queue.tryPut(2);
      queue.tryPut(1);
      queue.shutdown();
      expect(await rejectionCode(queue.put(3))).toBe('ERR_QUEUE_SHUTDOWN');
      expect([queue.tryGet(), queue.tryGet()].sort()).toEqual([1, 2]);
      expect(await rejectionCode(queue.get())).toBe('ERR_QUEUE_SHUTDOWN');
    }
  });
});

describe('taskDone() and join()', () => {
  it('join resolves at once when nothing is pending', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    const joined = track(queue.join());
    await flush();
    expect(joined.status).toBe('resolved');
  });

  it('join resolves exactly when the last item put gets its taskDone', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 3 });
    queue.tryPut(1);
    queue.tryPut(2);
    const joined = track(queue.join());
    queue.tryGet();
    queue.tryGet();
    queue.taskDone();
    await flush();
    expect(joined.status).toBe('pending');
    expect(queue.unfinishedTasks).toBe(1);
    queue.taskDone();
    await flush();
    expect(joined.status).toBe('resolved');
  });

  it('throws ERR_QUEUE_TASK_DONE_OVERCALLED past the number of items put', () => {
    const queue = new AsyncQueue<number>({ maxSize: 3 });
    expect(thrownCode(() => queue.taskDone())).toBe('ERR_QUEUE_TASK_DONE_OVERCALLED');
    queue.tryPut(1);
    queue.taskDone();
    expect(thrownCode(() => queue.taskDone())).toBe('ERR_QUEUE_TASK_DONE_OVERCALLED');
    expect(queue.unfinishedTasks).toBe(0);
  });

  it('join takes a timeout (ERR_QUEUE_TIMEOUT) and a signal', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 3 });
    queue.tryPut(1);
    expect(await rejectionCode(queue.join({ timeout: 5 }))).toBe('ERR_QUEUE_TIMEOUT');
    expect(await rejectionCode(queue.join({ signal: AbortSignal.abort() }))).toBe('AbortError');
  });
});

describe('async iteration', () => {
  it('yields items until the queue is shut down and drained', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 2 });
    const seen: number[] = [];
    const consumer = (async () => {
      for await (const item of queue) {
        seen.push(item);
        queue.taskDone();
      }
    })();
    for (let i = 0; i < 5; i++) await queue.put(i);
    await queue.join();
    queue.shutdown();
    await consumer;
    expect(seen).toEqual([0, 1, 2, 3, 4]);
  });

  it('takes nothing more once the loop breaks', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 3 });
    for (const n of [1, 2, 3]) queue.tryPut(n);
    for await (const item of queue) {
      expect(item).toBe(1);
      break;
    }
    expect(queue.size).toBe(2);
  });

  it('ends with the signal reason when values() is aborted', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 3 });
    const controller = new AbortController();
    const loop = (async () => {
      for await (const _ of queue.values({ signal: controller.signal })) {
        /* nothing arrives */
      }
    })();
    controller.abort();
    expect(await rejectionCode(loop)).toBe('AbortError');
  });
});

describe('backpressure: onSizeBelow', () => {
  it('resolves once fewer than `limit` items are buffered', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 10 });
    for (let i = 0; i < 4; i++) queue.tryPut(i);
    const belowThree = track(queue.onSizeBelow(3));
    const belowOne = track(queue.onSizeBelow(1));
    queue.tryGet();
    await flush();
    expect([belowThree.status, belowOne.status]).toEqual(['pending', 'pending']);
    queue.tryGet();
    await flush();
    expect([belowThree.status, belowOne.status]).toEqual(['resolved', 'pending']);
    queue.tryGet();
    queue.tryGet();
    await flush();
    expect(belowOne.status).toBe('resolved');
  });

  it('lets a producer stay under a soft bound without ever waiting in put', async () => {
    const queue = new AsyncQueue<number>({ maxSize: Infinity });
    let highWater = 0;
    const producer = (async () => {
      for (let i = 0; i < 100; i++) {
        await queue.onSizeBelow(8);
        queue.tryPut(i);
        highWater = Math.max(highWater, queue.size);
      }
      queue.shutdown();
    })();
    let count = 0;
    for await (const _ of queue) {
      count++;
      await flush();
    }
    await producer;
    expect(count).toBe(100);
    expect(highWater).toBeLessThanOrEqual(8);
  });

  it('resolves when an immediate shutdown drops the buffered items', async () => {
    const { queue, waiting: belowOne } = await throughBothShutdowns((q) => q.onSizeBelow(1));
    expect(queue.size).toBe(0);
    expect(belowOne.status).toBe('resolved');
  });

  it('rejects with ERR_QUEUE_TIMEOUT or the signal reason', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 3 });
    queue.tryPut(1);
    expect(await rejectionCode(queue.onSizeBelow(1, { timeout: 2 }))).toBe('ERR_QUEUE_TIMEOUT');
    expect(await rejectionCode(queue.onSizeBelow(1, { signal: AbortSignal.abort() }))).toBe(
      'AbortError',
    );
  });
});
