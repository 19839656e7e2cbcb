/** The shared ring's semantics from the main thread (async API); threads come in other files. */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { SharedRingQueue } from '../src/index';
import { codeOf, flush, rejectionCode, thrownCode, track } from './support/settlement';
import { until } from '@concurrency-lab/launcher/testing';
import { WordMutex } from '@concurrency-lab/locks/internal';
import { HEADER_INTS, LOCK, UNFINISHED_BYTE } from '../src/shared-ring-layout';

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (message: Uint8Array) => new TextDecoder().decode(message);

describe('SharedRingQueue messages', () => {
  it('passes byte messages first in, first out, each with its own length', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 16 });
    for (const word of ['alpha', '', 'gamma-delta-epsi']) await queue.putAsync(bytes(word));
    expect(queue.size).toBe(3);
    const got = [await queue.getAsync(), await queue.getAsync(), await queue.getAsync()];
    expect(got.map(text)).toEqual(['alpha', '', 'gamma-delta-epsi']);
    expect(queue.empty).toBe(true);
  });

  it('hands out copies: changing one never changes the ring', async () => {
    const queue = new SharedRingQueue({ capacity: 2, slotBytes: 4 });
    const message = Uint8Array.of(1, 2, 3);
    await queue.putAsync(message);
    message[0] = 9;
    const got = await queue.getAsync();
    expect([...got]).toEqual([1, 2, 3]);
    expect(got.buffer).not.toBeInstanceOf(SharedArrayBuffer);
  });

  it('refuses a message longer than a slot with ERR_QUEUE_MESSAGE_TOO_LARGE', async () => {
    const queue = new SharedRingQueue({ capacity: 2, slotBytes: 4 });
    expect(await rejectionCode(queue.putAsync(new Uint8Array(5)))).toBe(
      'ERR_QUEUE_MESSAGE_TOO_LARGE',
    );
    expect(queue.size).toBe(0);
  });

  it('fails at once when full or empty with timeout 0, and after a short timeout', async () => {
    const queue = new SharedRingQueue({ capacity: 1, slotBytes: 1 });
    expect(await rejectionCode(queue.getAsync({ timeout: 0 }))).toBe('ERR_QUEUE_EMPTY');
    expect(await rejectionCode(queue.getAsync({ timeout: 5 }))).toBe('ERR_QUEUE_EMPTY');
    await queue.putAsync(Uint8Array.of(1));
    expect(queue.full).toBe(true);
    expect(await rejectionCode(queue.putAsync(Uint8Array.of(2), { timeout: 0 }))).toBe(
      'ERR_QUEUE_FULL',
    );
    expect(await rejectionCode(queue.putAsync(Uint8Array.of(2), { timeout: 5 }))).toBe(
      'ERR_QUEUE_FULL',
    );
    expect(queue.stats).toMatchObject({ size: 1, waitingPutters: 0, waitingGetters: 0 });
  });

  it('wakes a waiting getAsync when a message arrives', async () => {
    const queue = new SharedRingQueue({ capacity: 2, slotBytes: 8 });
    const got = track(queue.getAsync());
    await flush();
    expect(got.status).toBe('pending');
    expect(queue.stats.waitingGetters).toBe(1);
    await queue.putAsync(bytes('wake'));
    await until(() => got.status !== 'pending', { what: 'the get to settle' });
    expect(text(got.value as Uint8Array)).toBe('wake');
    expect(queue.size).toBe(0);
  });

  it('rejects an aborted getAsync with the signal reason and takes nothing afterwards', async () => {
    const queue = new SharedRingQueue({ capacity: 2, slotBytes: 8 });
    const controller = new AbortController();
    const got = track(queue.getAsync({ signal: controller.signal }));
    await flush();
    const reason = new Error('gone');
    controller.abort(reason);
    await until(() => got.status !== 'pending', { what: 'the get to settle' });
    expect(got).toEqual({ status: 'rejected', reason });
    await queue.putAsync(bytes('kept'));
    expect(queue.size).toBe(1);
    expect(queue.stats.waitingGetters).toBe(0);
  });
});

describe('SharedRingQueue abort while waiting for the ring lock', () => {
  /** The ring's lock as another thread sees it (same header cell, same protocol). */
  const ringLock = (queue: SharedRingQueue) =>
    new WordMutex(new Int32Array(queue.buffer, 0, HEADER_INTS), LOCK);

  it.each([
    ['getAsync', 'waitingGetters', 0],
    ['putAsync', 'waitingPutters', 1],
  ] as const)(
    '%s rejects with the signal reason while the lock is held, and leaves no %s',
    async (call, sleepers, filled) => {
      // get: an empty ring; put: a full one. Either way the call would go to sleep after the lock.
      const queue = new SharedRingQueue({ capacity: 1, slotBytes: 8 });
      for (let i = 0; i < filled; i++) await queue.putAsync(bytes('full'));
      const lock = ringLock(queue);
      expect(lock.tryLock()).toBe(true); // another thread holds the ring's lock
      const controller = new AbortController();
      const { signal } = controller;
      const pending = track<unknown>(
        call === 'getAsync' ? queue.getAsync({ signal }) : queue.putAsync(bytes('new'), { signal }),
      );
      await flush();
      expect(pending.status).toBe('pending');
      const reason = new Error('caller gave up');
      controller.abort(reason);
      await until(() => pending.status !== 'pending', {
        what: 'the aborted call to settle with the lock still held',
        timeoutMs: 2_000,
      });
      expect(pending).toEqual({ status: 'rejected', reason });
      lock.unlock(); // the holder lets go: the abandoned acquisition must hand the lock back
      await flush();
      expect(queue.stats[sleepers]).toBe(0);
      expect(lock.tryLock()).toBe(true);
      lock.unlock();
      expect(queue.size).toBe(filled);
    },
  );

  it('without an abort, still waits for the lock, then sleeps until a message comes', async () => {
    const queue = new SharedRingQueue({ capacity: 1, slotBytes: 8 });
    const lock = ringLock(queue);
    expect(lock.tryLock()).toBe(true);
    const got = track(queue.getAsync({ signal: new AbortController().signal }));
    for (let i = 0; i < 3; i++) await flush();
    expect(got.status).toBe('pending');
    expect(queue.stats.waitingGetters).toBe(0); // not yet registered: it is waiting for the lock
    lock.unlock();
    await until(() => queue.stats.waitingGetters === 1, { what: 'the get to sleep' });
    expect(got.status).toBe('pending');
    await queue.putAsync(bytes('wake'));
    await until(() => got.status !== 'pending', { what: 'the get to settle' });
    expect(text(got.value as Uint8Array)).toBe('wake');
    expect(queue.stats.waitingGetters).toBe(0);
  });
});

describe('SharedRingQueue fixed-size records', () => {
  it('puts as many records as fit and says how many, like write(2)', async () => {
    const queue = new SharedRingQueue({ capacity: 3, slotBytes: 2 });
    const records = Uint8Array.of(1, 1, 2, 2, 3, 3, 4, 4, 5, 5);
    expect(await queue.putManyAsync(records)).toBe(3);
    const target = new Uint8Array(4);
    expect(await queue.getManyAsync(target)).toBe(2);
    expect([...target]).toEqual([1, 1, 2, 2]);
    expect(await queue.putManyAsync(records.subarray(6))).toBe(2); // wraps past the last slot
    const rest = new Uint8Array(10);
    expect(await queue.getManyAsync(rest)).toBe(3);
    expect([...rest.subarray(0, 6)]).toEqual([3, 3, 4, 4, 5, 5]);
  });

  it('a batch that wraps past the last slot gives each wrapped record its length for get', async () => {
    const queue = new SharedRingQueue({ capacity: 3, slotBytes: 2 });
    await queue.putAsync(Uint8Array.of(1)); // slot 0 holds a 1-byte message
    await queue.getAsync();
    expect(await queue.putManyAsync(Uint8Array.of(2, 2, 3, 3, 4, 4))).toBe(3); // slots 1, 2, 0
    const got = [await queue.getAsync(), await queue.getAsync(), await queue.getAsync()];
    expect(got.map((message) => [...message])).toEqual([
      [2, 2],
      [3, 3],
      [4, 4],
    ]);
  });

  it('reports lengths and zero-pads shorter messages in a batch', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 4 });
    await queue.putManyAsync(Uint8Array.of(9, 9, 9, 9));
    await queue.putAsync(Uint8Array.of(7));
    const target = new Uint8Array(8).fill(0xff);
    const lengths = new Int32Array(2);
    expect(await queue.getManyAsync(target, { lengths })).toBe(2);
    expect([...lengths]).toEqual([4, 1]);
    expect([...target]).toEqual([9, 9, 9, 9, 7, 0, 0, 0]);
  });

  it('zero-pads a short message even where its slot held a longer one before', async () => {
    const queue = new SharedRingQueue({ capacity: 1, slotBytes: 4 });
    await queue.putAsync(Uint8Array.of(1, 2, 3, 4));
    await queue.getAsync(); // the one slot keeps the bytes 1 2 3 4
    await queue.putAsync(Uint8Array.of(9));
    const target = new Uint8Array(4);
    const lengths = new Int32Array(1);
    expect(await queue.getManyAsync(target, { lengths })).toBe(1);
    expect([...lengths]).toEqual([1]);
    expect([...target]).toEqual([9, 0, 0, 0]);
  });

  it('fills only whole slots of a target that is not a multiple of slotBytes', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 2 });
    await queue.putManyAsync(Uint8Array.of(1, 1, 2, 2, 3, 3));
    const target = new Uint8Array(5); // room for 2 records and a spare byte
    expect(await queue.getManyAsync(target)).toBe(2);
    expect([...target]).toEqual([1, 1, 2, 2, 0]);
    expect(queue.size).toBe(1);
    expect([...(await queue.getAsync())]).toEqual([3, 3]);
  });

  it('refuses records that are not whole slots, and a target smaller than one slot', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 4 });
    expect(await rejectionCode(queue.putManyAsync(new Uint8Array(6)))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
    expect(await rejectionCode(queue.putManyAsync(new Uint8Array(0)))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
    expect(await rejectionCode(queue.getManyAsync(new Uint8Array(3)))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
  });

  it('keeps FIFO order through any mix of single and batched puts and gets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.tuple(fc.boolean(), fc.integer({ min: 1, max: 4 })), { maxLength: 60 }),
        async (capacity, ops) => {
          const queue = new SharedRingQueue({ capacity, slotBytes: 2 });
          const reference: number[] = [];
          let next = 0;
          for (const [isPut, count] of ops) {
            if (isPut) {
              const records = new Uint8Array(count * 2);
              for (let i = 0; i < count; i++) records.set([next + i, 255 - next - i], i * 2);
              const room = capacity - reference.length;
              const put = room === 0 ? 0 : await queue.putManyAsync(records, { timeout: 0 });
              expect(put).toBe(Math.min(room, count));
              for (let i = 0; i < put; i++) reference.push(next + i);
              next = (next + put) % 128;
            } else {
              const target = new Uint8Array(count * 2);
              if (reference.length === 0) {
                expect(await rejectionCode(queue.getManyAsync(target, { timeout: 0 }))).toBe(
                  'ERR_QUEUE_EMPTY',
                );
                continue;
              }
              const got = await queue.getManyAsync(target, { timeout: 0 });
              expect(got).toBe(Math.min(count, reference.length));
              const expected = reference.splice(0, got);
              for (let i = 0; i < got; i++) {
                expect([target[i * 2], target[i * 2 + 1]]).toEqual([
                  expected[i],
                  255 - (expected[i] as number),
                ]);
              }
            }
            expect(queue.size).toBe(reference.length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('SharedRingQueue taskDone, join and shutdown', () => {
  it('joinAsync resolves when every message put has had taskDone', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 1 });
    await queue.putManyAsync(Uint8Array.of(1, 2));
    const joined = track(queue.joinAsync());
    await queue.getManyAsync(new Uint8Array(2));
    queue.taskDone();
    await flush();
    expect(joined.status).toBe('pending');
    expect(queue.stats.unfinishedTasks).toBe(1);
    queue.taskDone();
    await until(() => joined.status !== 'pending', { what: 'join() to settle' });
    expect(joined.status).toBe('resolved');
  });

  it('throws ERR_QUEUE_TASK_DONE_OVERCALLED past the count put, and leaves the count alone', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 1 });
    expect(thrownCode(() => queue.taskDone())).toBe('ERR_QUEUE_TASK_DONE_OVERCALLED');
    await queue.putAsync(Uint8Array.of(1));
    expect(thrownCode(() => queue.taskDone(2))).toBe('ERR_QUEUE_TASK_DONE_OVERCALLED');
    expect(queue.stats.unfinishedTasks).toBe(1);
  });

  it('counts past 2^31 puts without taskDone: taskDone and join still work', async () => {
    // A plain channel never calls taskDone, so the count only grows; an int32 wrapped negative
    // after 2^31 puts. Pre-set it to the edge instead of putting 2^31 messages.
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 1 });
    const edge = 2 ** 31 - 1;
    Atomics.store(new BigInt64Array(queue.buffer, UNFINISHED_BYTE, 1), 0, BigInt(edge));
    expect(queue.stats.unfinishedTasks).toBe(edge); // the pre-set reached the real counter
    await queue.putManyAsync(Uint8Array.of(1, 2));
    expect(queue.stats.unfinishedTasks).toBe(edge + 2);
    queue.taskDone();
    expect(queue.stats.unfinishedTasks).toBe(edge + 1);
    const joined = track(queue.joinAsync());
    queue.taskDone(edge);
    await flush();
    expect(joined.status).toBe('pending');
    queue.taskDone();
    await until(() => joined.status !== 'pending', { what: 'join() to settle' });
    expect(joined.status).toBe('resolved');
    expect(thrownCode(() => queue.taskDone())).toBe('ERR_QUEUE_TASK_DONE_OVERCALLED');
  });

  it('joinAsync returns once the count reached 0, even if a put came before it woke', async () => {
    // asyncio's Event semantics (README): the join began while work was unfinished; the count
    // reached 0, and a new message arrived before the join's wake-up ran.
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 1 });
    await queue.putAsync(Uint8Array.of(1));
    const joined = track(queue.joinAsync());
    await queue.getAsync();
    queue.taskDone();
    await queue.putAsync(Uint8Array.of(2));
    expect(queue.stats.unfinishedTasks).toBe(1);
    await until(() => joined.status !== 'pending', { what: 'join() to settle' });
    expect(joined.status).toBe('resolved');
  });

  it('joinAsync rejects ERR_QUEUE_TIMEOUT when the work is not done in time', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 1 });
    await queue.putAsync(Uint8Array.of(1));
    expect(await rejectionCode(queue.joinAsync({ timeout: 5 }))).toBe('ERR_QUEUE_TIMEOUT');
  });

  it('after shutdown refuses puts, drains what is there, then refuses gets', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 1 });
    await queue.putAsync(Uint8Array.of(1));
    await queue.shutdownAsync();
    expect(queue.isShutdown).toBe(true);
    expect(await rejectionCode(queue.putAsync(Uint8Array.of(2)))).toBe('ERR_QUEUE_SHUTDOWN');
    expect(await rejectionCode(queue.putManyAsync(Uint8Array.of(2, 3)))).toBe('ERR_QUEUE_SHUTDOWN');
    expect(queue.size).toBe(1);
    expect([...(await queue.getAsync())]).toEqual([1]);
    expect(await rejectionCode(queue.getAsync())).toBe('ERR_QUEUE_SHUTDOWN');
  });

  it('wakes a sleeping getAsync with ERR_QUEUE_SHUTDOWN', async () => {
    const queue = new SharedRingQueue({ capacity: 1, slotBytes: 1 });
    const got = track(queue.getAsync());
    await flush();
    await queue.shutdownAsync();
    await until(() => got.status !== 'pending', { what: 'the get to settle' });
    expect(codeOf(got.reason)).toBe('ERR_QUEUE_SHUTDOWN');
  });

  it('immediate shutdown drops the messages and counts them done, so join returns', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 1 });
    await queue.putManyAsync(Uint8Array.of(1, 2, 3));
    const joined = track(queue.joinAsync());
    await queue.shutdownAsync({ immediate: true });
    await until(() => joined.status !== 'pending', { what: 'join() to settle' });
    expect(joined.status).toBe('resolved');
    expect(queue.stats).toMatchObject({ size: 0, unfinishedTasks: 0, isShutdown: true });
  });

  it('immediate shutdown counts no lower than 0 after taskDone() came before get()', async () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 1 });
    await queue.putManyAsync(Uint8Array.of(1, 2));
    queue.taskDone(2); // allowed: two messages were put
    await queue.shutdownAsync({ immediate: true });
    expect(queue.stats).toMatchObject({ size: 0, unfinishedTasks: 0 });
    await queue.joinAsync({ timeout: 0 }); // done at once: nothing is unfinished
    expect(thrownCode(() => queue.taskDone())).toBe('ERR_QUEUE_TASK_DONE_OVERCALLED');
  });
});

describe('SharedRingQueue on the main thread', () => {
  it.each([
    ['put', (q: SharedRingQueue) => q.put(Uint8Array.of(1))],
    ['get', (q: SharedRingQueue) => q.get()],
    ['tryPut', (q: SharedRingQueue) => q.tryPut(Uint8Array.of(1))],
    ['tryGet', (q: SharedRingQueue) => q.tryGet()],
    ['putMany', (q: SharedRingQueue) => q.putMany(Uint8Array.of(1))],
    ['getMany', (q: SharedRingQueue) => q.getMany(new Uint8Array(1))],
    ['join', (q: SharedRingQueue) => q.join()],
    ['shutdown', (q: SharedRingQueue) => q.shutdown()],
  ])('refuses the blocking %s with ERR_QUEUE_MAIN_THREAD_BLOCKING', (_name, call) => {
    const queue = new SharedRingQueue({ capacity: 1, slotBytes: 1 });
    expect(thrownCode(() => call(queue))).toBe('ERR_QUEUE_MAIN_THREAD_BLOCKING');
    expect(queue.stats).toMatchObject({ size: 0, isShutdown: false });
  });

  it('attaches to the same memory through attach(buffer)', async () => {
    const queue = new SharedRingQueue({ capacity: 3, slotBytes: 5 });
    // The documented layout: a 64-byte header, an int32 length per slot, then the slots.
    expect(queue.buffer.byteLength).toBe(64 + 3 * 4 + 3 * 5);
    const other = SharedRingQueue.attach(queue.buffer);
    expect([other.capacity, other.slotBytes]).toEqual([3, 5]);
    await queue.putAsync(bytes('hello'));
    expect(text(await other.getAsync())).toBe('hello');
  });

  it('attach refuses a buffer that is not a ring: no magic, or a length the header does not give', () => {
    const queue = new SharedRingQueue({ capacity: 4, slotBytes: 2 });
    const copyOf = (extraBytes: number) => {
      const copy = new SharedArrayBuffer(queue.buffer.byteLength + extraBytes);
      new Uint8Array(copy).set(new Uint8Array(queue.buffer));
      return copy;
    };
    // The control: an exact copy is a ring.
    expect(SharedRingQueue.attach(copyOf(0)).capacity).toBe(4);
    const noMagic = copyOf(0);
    new Int32Array(noMagic)[0] = 0; // the header's 'QRB2'
    expect(thrownCode(() => SharedRingQueue.attach(noMagic))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
    expect(thrownCode(() => SharedRingQueue.attach(copyOf(8)))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
  });
});
