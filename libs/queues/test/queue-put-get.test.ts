import { describe, expect, it } from '@jest/globals';
import { AsyncQueue, LifoQueue, PriorityQueue } from '../src/index';
import { codeOf, flush, rejectionCode, thrownCode, track } from './support/settlement';

describe('put and get', () => {
  it('takes items first in, first out', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 10 });
    for (const n of [3, 1, 2]) await queue.put(n);
    expect([await queue.get(), await queue.get(), await queue.get()]).toEqual([3, 1, 2]);
  });

  it('stays first in, first out when its buffer grows after wrapping around', () => {
    // The buffer is a ring of 16 slots: after one get, 17 lands in slot 0, in front of the
    // head, and 18 finds the ring full and doubles it, copying from the head on.
    const queue = new AsyncQueue<number>({ maxSize: Infinity });
    for (let n = 1; n <= 16; n++) queue.tryPut(n);
    const taken = [queue.tryGet()];
    queue.tryPut(17);
    queue.tryPut(18);
    while (!queue.empty) taken.push(queue.tryGet());
    expect(taken).toEqual(Array.from({ length: 18 }, (_, i) => i + 1));
  });

  it('reports size, empty and full', async () => {
    const queue = new AsyncQueue<string>({ maxSize: 2 });
    expect([queue.size, queue.empty, queue.full]).toEqual([0, true, false]);
    await queue.put('a');
    expect([queue.size, queue.empty, queue.full]).toEqual([1, false, false]);
    await queue.put('b');
    expect([queue.size, queue.empty, queue.full]).toEqual([2, false, true]);
  });

  it('makes a producer wait while the queue is full, and lets it in when a slot frees', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    await queue.put(1);
    const second = track(queue.put(2));
    await flush();
    expect(second.status).toBe('pending');
    expect(queue.stats.waitingPutters).toBe(1);
    expect(await queue.get()).toBe(1);
    await flush();
    expect(second.status).toBe('resolved');
    expect(queue.size).toBe(1);
    expect(await queue.get()).toBe(2);
  });

  it('makes a consumer wait while the queue is empty, and hands it the next item', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    const got = track(queue.get());
    await flush();
    expect(got.status).toBe('pending');
    expect(queue.stats.waitingGetters).toBe(1);
    await queue.put(7);
    await flush();
    expect(got).toEqual({ status: 'resolved', value: 7 });
    expect(queue.size).toBe(0);
  });

  it('serves waiting consumers in arrival order, and a newcomer never overtakes them', async () => {
    const queue = new AsyncQueue<string>({ maxSize: 1 });
    const first = track(queue.get());
    const second = track(queue.get());
    queue.tryPut('a');
    // A consumer arriving now finds nothing: 'a' already belongs to `first`.
    expect(thrownCode(() => queue.tryGet())).toBe('ERR_QUEUE_EMPTY');
    queue.tryPut('b');
    await flush();
    expect([first.value, second.value]).toEqual(['a', 'b']);
  });

  it('serves waiting producers in arrival order', async () => {
    const queue = new AsyncQueue<string>({ maxSize: 1 });
    queue.tryPut('a');
    const puts = ['b', 'c', 'd'].map((item) => track(queue.put(item)));
    const got: string[] = [];
    for (let i = 0; i < 4; i++) got.push(await queue.get());
    await flush();
    expect(got).toEqual(['a', 'b', 'c', 'd']);
    expect(puts.map((p) => p.status)).toEqual(['resolved', 'resolved', 'resolved']);
  });

  it('accepts any number of items when unbounded by choice (maxSize: Infinity)', async () => {
    const queue = new AsyncQueue<number>({ maxSize: Infinity });
    for (let i = 0; i < 10_000; i++) queue.tryPut(i);
    expect(queue.size).toBe(10_000);
    expect(queue.full).toBe(false);
  });
});

describe('tryPut and tryGet (put_nowait / get_nowait)', () => {
  it('throws ERR_QUEUE_FULL instead of waiting', () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    queue.tryPut(1);
    expect(thrownCode(() => queue.tryPut(2))).toBe('ERR_QUEUE_FULL');
    expect(queue.size).toBe(1);
  });

  it('throws ERR_QUEUE_EMPTY instead of waiting', () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    expect(thrownCode(() => queue.tryGet())).toBe('ERR_QUEUE_EMPTY');
  });

  it('tryPut hands an item straight to a waiting consumer even when maxSize would not fit it', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    queue.tryPut(1);
    expect(queue.tryGet()).toBe(1);
    const got = track(queue.get());
    queue.tryPut(2);
    await flush();
    expect(got.value).toBe(2);
  });
});

describe('timeouts', () => {
  it('rejects a put with ERR_QUEUE_FULL when no slot frees in time, and leaves the line', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    queue.tryPut(1);
    expect(await rejectionCode(queue.put(2, { timeout: 5 }))).toBe('ERR_QUEUE_FULL');
    expect(queue.stats.waitingPutters).toBe(0);
    expect(queue.tryGet()).toBe(1);
    expect(thrownCode(() => queue.tryGet())).toBe('ERR_QUEUE_EMPTY');
  });

  it('rejects a get with ERR_QUEUE_EMPTY when nothing arrives in time, and takes nothing later', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    expect(await rejectionCode(queue.get({ timeout: 5 }))).toBe('ERR_QUEUE_EMPTY');
    expect(queue.stats.waitingGetters).toBe(0);
    queue.tryPut(1);
    expect(queue.size).toBe(1);
  });

  it('timeout 0 fails at once, like the try methods', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    expect(await rejectionCode(queue.get({ timeout: 0 }))).toBe('ERR_QUEUE_EMPTY');
    await queue.put(1, { timeout: 0 });
    expect(await rejectionCode(queue.put(2, { timeout: 0 }))).toBe('ERR_QUEUE_FULL');
  });

  it('timeout 0 never joins the line: room or an item arriving in the same tick is not taken', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    queue.tryPut(1);
    const put = track(queue.put(2, { timeout: 0 }));
    expect(queue.stats.waitingPutters).toBe(0);
    expect(queue.tryGet()).toBe(1); // frees the slot before the put's promise settles
    const got = track(queue.get({ timeout: 0 }));
    expect(queue.stats.waitingGetters).toBe(0);
    queue.tryPut(3); // an item arrives before the get's promise settles
    await flush();
    expect([put.status, codeOf(put.reason)]).toEqual(['rejected', 'ERR_QUEUE_FULL']);
    expect([got.status, codeOf(got.reason)]).toEqual(['rejected', 'ERR_QUEUE_EMPTY']);
    expect(queue.tryGet()).toBe(3); // 2 never entered, 3 was not handed to the failed get
    expect(queue.size).toBe(0);
  });
});

describe('abort signals', () => {
  it('rejects a waiting get with the signal reason and removes it from the line', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    const controller = new AbortController();
    const got = track(queue.get({ signal: controller.signal }));
    const reason = new Error('client went away');
    controller.abort(reason);
    await flush();
    expect(got).toEqual({ status: 'rejected', reason });
    queue.tryPut(1);
    expect(queue.size).toBe(1); // not handed to the aborted consumer
  });

  it('rejects a waiting put with the signal reason; its item never enters', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    queue.tryPut(1);
    const controller = new AbortController();
    const put = track(queue.put(2, { signal: controller.signal }));
    controller.abort();
    await flush();
    expect(put.status).toBe('rejected');
    expect((put.reason as Error).name).toBe('AbortError');
    expect(queue.tryGet()).toBe(1);
    expect(queue.size).toBe(0);
    expect(queue.unfinishedTasks).toBe(1);
  });

  it('does nothing for an already aborted signal', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    const signal = AbortSignal.abort();
    expect(await rejectionCode(queue.put(1, { signal }))).toBe('AbortError');
    expect(queue.size).toBe(0);
    queue.tryPut(1);
    expect(await rejectionCode(queue.get({ signal }))).toBe('AbortError');
    expect(queue.size).toBe(1);
  });

  it('ignores an abort that comes after the item was delivered', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    const controller = new AbortController();
    const got = track(queue.get({ signal: controller.signal }));
    queue.tryPut(5);
    controller.abort();
    await flush();
    expect(got).toEqual({ status: 'resolved', value: 5 });
  });
});

describe('other disciplines', () => {
  it('LifoQueue takes the newest item first', async () => {
    const queue = new LifoQueue<number>({ maxSize: 5 });
    for (const n of [1, 2, 3]) queue.tryPut(n);
    expect([queue.tryGet(), queue.tryGet(), queue.tryGet()]).toEqual([3, 2, 1]);
  });

  it('PriorityQueue takes the lowest first and keeps arrival order among equals', async () => {
    const queue = new PriorityQueue<{ priority: number; name: string }>({
      maxSize: 10,
      compare: (a, b) => a.priority - b.priority,
    });
    const items = [
      { priority: 2, name: 'c1' },
      { priority: 1, name: 'b1' },
      { priority: 2, name: 'c2' },
      { priority: 0, name: 'a' },
      { priority: 1, name: 'b2' },
      { priority: 2, name: 'c3' },
    ];
    for (const item of items) queue.tryPut(item);
    const names: string[] = [];
    while (!queue.empty) names.push(queue.tryGet().name);
    expect(names).toEqual(['a', 'b1', 'b2', 'c1', 'c2', 'c3']);
  });

  it('PriorityQueue orders numbers and strings without a compare function', () => {
    const queue = new PriorityQueue<number>({ maxSize: 10 });
    for (const n of [5, -1, 3]) queue.tryPut(n);
    expect([queue.tryGet(), queue.tryGet(), queue.tryGet()]).toEqual([-1, 3, 5]);
  });

  it('PriorityQueue refuses an object it cannot order, before it enters', async () => {
    const queue = new PriorityQueue<unknown>({ maxSize: 10 });
    expect(thrownCode(() => queue.tryPut({ priority: 1 }))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
    expect(await rejectionCode(queue.put(Number.NaN))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
    expect(queue.size).toBe(0);
  });
});

describe('PriorityQueue without compare refuses items of another kind than those queued', () => {
  it('refuses a string among numbers (and a number among strings), as Python raises TypeError', async () => {
    const queue = new PriorityQueue<number | string>({ maxSize: 10 });
    queue.tryPut(3);
    expect(thrownCode(() => queue.tryPut('a'))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
    expect(await rejectionCode(queue.put('a'))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
    queue.tryPut(1);
    queue.tryPut(2);
    expect([queue.tryGet(), queue.tryGet(), queue.tryGet()]).toEqual([1, 2, 3]);
    // Empty again: any one kind may start over.
    queue.tryPut('b');
    expect(thrownCode(() => queue.tryPut(1))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
    queue.tryPut('a');
    expect([queue.tryGet(), queue.tryGet()]).toEqual(['a', 'b']);
  });

  it('orders numbers and bigints together: `<` compares them exactly', () => {
    const queue = new PriorityQueue<number | bigint>({ maxSize: 10 });
    for (const n of [2, 1n, 9, 3n]) queue.tryPut(n);
    expect([queue.tryGet(), queue.tryGet(), queue.tryGet(), queue.tryGet()]).toEqual([
      1n,
      2,
      3n,
      9,
    ]);
  });
});

describe('PriorityQueue with a compare that throws', () => {
  // A user bug (here: a null item), but the queue must stay whole: the error reaches the call
  // that ran the comparison, no item is lost, nobody is left waiting, the counts stay right.
  type Job = { p: number; id: string } | null;
  const byP = (a: Job, b: Job) => (a as { p: number }).p - (b as { p: number }).p;

  it('a get that frees a slot hands its item over and rejects the producer whose item cannot go in', async () => {
    const queue = new PriorityQueue<Job>({ maxSize: 2, compare: byP });
    queue.tryPut({ p: 1, id: 'A' });
    queue.tryPut({ p: 2, id: 'B' });
    const producer = track(queue.put(null)); // full: waits with its item
    const next = track(queue.put({ p: 0, id: 'C' })); // waits behind it
    let got: Promise<Job> | undefined;
    expect(() => (got = queue.get())).not.toThrow(); // promise-returning methods never throw
    expect(await got).toEqual({ p: 1, id: 'A' });
    await flush();
    expect(producer.status).toBe('rejected');
    expect(producer.reason).toBeInstanceOf(TypeError);
    expect(next.status).toBe('resolved'); // the slot went to the next producer in line
    expect(queue.stats).toMatchObject({
      size: 2,
      waitingPutters: 0,
      unfinishedTasks: 3, // A (taken, not done), B, C
      enqueued: 3,
      dequeued: 1,
    });
    expect([queue.tryGet(), queue.tryGet()]).toEqual([
      { p: 0, id: 'C' },
      { p: 2, id: 'B' },
    ]);
  });

  it('a put whose item cannot be ordered rejects, and the heap is left as it was', async () => {
    const queue = new PriorityQueue<Job>({ maxSize: 10, compare: byP });
    for (const p of [5, 3, 8, 1]) queue.tryPut({ p, id: String(p) });
    expect(await rejectionCode(queue.put(null))).toBe('TypeError');
    expect(() => queue.tryPut(null)).toThrow(TypeError);
    expect(queue.stats).toMatchObject({ size: 4, unfinishedTasks: 4, enqueued: 4 });
    const order: number[] = [];
    while (!queue.empty) order.push((queue.tryGet() as { p: number }).p);
    expect(order).toEqual([1, 3, 5, 8]);
  });

  it('a get whose comparison throws rejects and takes nothing; shutdown still drops everything', async () => {
    let broken = false;
    const compare = (a: number, b: number) => {
      if (broken) throw new TypeError('compare is broken');
      return a - b;
    };
    const queue = new PriorityQueue<number>({ maxSize: 10, compare });
    for (const n of [4, 2, 6, 1, 3]) queue.tryPut(n);
    broken = true;
    expect(await rejectionCode(queue.get())).toBe('TypeError');
    expect(() => queue.tryGet()).toThrow(TypeError);
    expect(queue.stats).toMatchObject({ size: 5, dequeued: 0 });
    broken = false;
    expect([queue.tryGet(), queue.tryGet()]).toEqual([1, 2]); // the heap is still in order
    broken = true;
    queue.shutdown({ immediate: true }); // drops without comparing
    expect(queue.stats).toMatchObject({ size: 0, discarded: 3, unfinishedTasks: 2 });
  });
});
