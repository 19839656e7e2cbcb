import { describe, expect, it } from '@jest/globals';
import {
  AsyncQueue,
  InvalidArgumentError,
  LifoQueue,
  PriorityQueue,
  queueMetricsObserver,
  SharedRingQueue,
  WorkQueue,
  type QueueOptions,
} from '../src/index';
import { CAPACITY, HEADER_BYTES, MAGIC, MAGIC_CELL, SLOT_BYTES } from '../src/shared-ring-layout';
import { rejectionCode, thrownCode } from './support/settlement';

/** A ring's header alone, with the magic and a capacity of 0: its length matches what it claims. */
function headerOnlyRing(): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer(HEADER_BYTES);
  const header = new Int32Array(buffer);
  header[MAGIC_CELL] = MAGIC;
  header[CAPACITY] = 0;
  header[SLOT_BYTES] = 1;
  return buffer;
}

/** What `fn` throws; fails the test if it returns. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw, it returned');
}

/** An ERR_QUEUE_INVALID_ARGUMENT with exactly `message` (which names the option). */
function expectInvalid(error: unknown, message: string): void {
  expect(error).toBeInstanceOf(InvalidArgumentError);
  expect(error).toMatchObject({ code: 'ERR_QUEUE_INVALID_ARGUMENT', message });
}

/** Calls a promise-returning method: it must return a promise (never throw) that rejects so. */
async function expectRejectsInvalid(call: () => Promise<unknown>, message: string): Promise<void> {
  let promise: Promise<unknown> | undefined;
  expect(() => {
    promise = call();
  }).not.toThrow();
  expectInvalid(
    await (promise as Promise<unknown>).then(
      () => 'resolved',
      (e: unknown) => e,
    ),
    message,
  );
}

const NOT_AN_OBJECT = 'Expected `options` to be an object, got `null`';
const NOT_A_BOOLEAN = 'Expected `immediate` to be a boolean, got `"yes"` (string)';
const BAD_SHUTDOWN_OPTIONS: [string, unknown, string][] = [
  ['null options', null, NOT_AN_OBJECT],
  [
    'options that are not an object',
    true,
    'Expected `options` to be an object, got `true` (boolean)',
  ],
  ['a string immediate', { immediate: 'yes' }, NOT_A_BOOLEAN],
  [
    'a numeric immediate',
    { immediate: 1 },
    'Expected `immediate` to be a boolean, got `1` (number)',
  ],
];

describe('option validation', () => {
  it.each([
    ['no options', undefined],
    ['maxSize 0 (Python would mean unbounded: say Infinity)', { maxSize: 0 }],
    ['a negative maxSize', { maxSize: -1 }],
    ['a fractional maxSize', { maxSize: 1.5 }],
    ['a string maxSize', { maxSize: '10' }],
    ['NaN', { maxSize: Number.NaN }],
    ['an empty name', { maxSize: 1, name: '' }],
  ])('AsyncQueue refuses %s with ERR_QUEUE_INVALID_ARGUMENT', (_case, options) => {
    expect(thrownCode(() => new AsyncQueue(options as unknown as QueueOptions))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
  });

  it('PriorityQueue refuses a compare that is not a function', () => {
    expect(
      thrownCode(() => new PriorityQueue({ maxSize: 1, compare: 'desc' as unknown as () => 0 })),
    ).toBe('ERR_QUEUE_INVALID_ARGUMENT');
  });

  it.each([
    ['a negative timeout', { timeout: -1 }],
    ['a NaN timeout', { timeout: Number.NaN }],
    ['a string timeout', { timeout: '5' }],
    ['a signal that is not an AbortSignal', { signal: {} }],
  ])(
    'put, get and join reject %s (a promise-returning method never throws)',
    async (_case, options) => {
      const queue = new AsyncQueue<number>({ maxSize: 1 });
      expect(await rejectionCode(queue.put(1, options as never))).toBe(
        'ERR_QUEUE_INVALID_ARGUMENT',
      );
      expect(await rejectionCode(queue.get(options as never))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
      expect(await rejectionCode(queue.join(options as never))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
      expect(queue.size).toBe(0);
    },
  );

  it('onSizeBelow rejects a limit below 1', async () => {
    const queue = new AsyncQueue<number>({ maxSize: 1 });
    expect(await rejectionCode(queue.onSizeBelow(0))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
    const work = new WorkQueue({ concurrency: 1 });
    expect(await rejectionCode(work.onSizeBelow(0.5))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
  });

  it.each([
    ['no options', undefined],
    ['concurrency 0', { concurrency: 0 }],
    ['a fractional concurrency', { concurrency: 2.5 }],
    ['a negative maxQueue', { concurrency: 1, maxQueue: -1 }],
    ['an unbounded maxQueue (not offered)', { concurrency: 1, maxQueue: Infinity }],
  ])('WorkQueue refuses %s', (_case, options) => {
    expect(thrownCode(() => new WorkQueue(options as never))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
  });

  it('WorkQueue.run rejects a job that is not a function', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    expect(await rejectionCode(queue.run('job' as never))).toBe('ERR_QUEUE_INVALID_ARGUMENT');
    expect(await rejectionCode(queue.onIdle())).toBe('resolved');
  });

  it('WorkQueue.run refuses a timeout, which it has nowhere to apply, and never starts the job', async () => {
    const queue = new WorkQueue({ concurrency: 1 });
    let started = 0;
    const job = () => ++started;
    await expectRejectsInvalid(
      () => queue.run(job, { timeout: 10 } as never),
      'Expected `timeout` to be absent (run() has none: pass `signal: AbortSignal.timeout(ms)`), got `10` (number)',
    );
    for (const timeout of [-1, Infinity]) {
      expect(await rejectionCode(queue.run(job, { timeout } as never))).toBe(
        'ERR_QUEUE_INVALID_ARGUMENT',
      );
    }
    expect(started).toBe(0);
    // What it offers instead: a signal that aborts the job.
    const slow = queue.run(
      ({ signal }) =>
        new Promise((_resolve, reject) => {
          signal.addEventListener('abort', () => reject(new Error('stopped')), { once: true });
        }),
      { signal: AbortSignal.timeout(10) },
    );
    expect(await rejectionCode(slow)).toBe('TimeoutError');
    expect(await queue.run(job, {})).toBe(1);
  });

  it.each([
    ['no options', undefined],
    ['capacity 0', { capacity: 0, slotBytes: 8 }],
    ['slotBytes 0', { capacity: 8, slotBytes: 0 }],
    ['more than 1 GiB', { capacity: 1 << 20, slotBytes: 2048 }],
    ['2^30 + 64 bytes, just over 1 GiB', { capacity: 1 << 16, slotBytes: 16380 }],
    ['a buffer that is not a ring', { buffer: new SharedArrayBuffer(128) }],
    ['a ring header that claims no slots', { buffer: headerOnlyRing() }],
    ['an ArrayBuffer', { buffer: new ArrayBuffer(128) }],
  ])('SharedRingQueue refuses %s', (_case, options) => {
    expect(thrownCode(() => new SharedRingQueue(options as never))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
  });
});

describe('method options (every public method validates its options argument)', () => {
  it.each([
    ['AsyncQueue', () => new AsyncQueue<number>({ maxSize: 2 })],
    ['LifoQueue', () => new LifoQueue<number>({ maxSize: 2 })],
    ['PriorityQueue', () => new PriorityQueue<number>({ maxSize: 2 })],
  ])('%s.shutdown throws on bad options and stays open', (_name, make) => {
    for (const [, options, message] of BAD_SHUTDOWN_OPTIONS) {
      const queue = make();
      queue.tryPut(1);
      expectInvalid(
        thrown(() => queue.shutdown(options as never)),
        message,
      );
      expect(queue.stats).toMatchObject({ isShutdown: false, size: 1, discarded: 0 });
    }
  });

  it.each(BAD_SHUTDOWN_OPTIONS)(
    'WorkQueue.shutdown rejects %s (never throws) and stays open',
    async (_case, options, message) => {
      const work = new WorkQueue({ concurrency: 1 });
      await expectRejectsInvalid(() => work.shutdown(options as never), message);
      expect(work.isShutdown).toBe(false);
      expect(await work.run(() => 'still running')).toBe('still running');
    },
  );

  it.each(BAD_SHUTDOWN_OPTIONS)(
    'SharedRingQueue.shutdownAsync rejects %s and shutdown throws it, the ring stays open',
    async (_case, options, message) => {
      const ring = new SharedRingQueue({ capacity: 2, slotBytes: 4 });
      await ring.putAsync(Uint8Array.of(1));
      await expectRejectsInvalid(() => ring.shutdownAsync(options as never), message);
      // The blocking one checks its arguments before refusing the main thread.
      expectInvalid(
        thrown(() => ring.shutdown(options as never)),
        message,
      );
      expect(ring.stats).toMatchObject({ isShutdown: false, size: 1 });
    },
  );

  it('SharedRingQueue async methods reject null options (never throw)', async () => {
    const ring = new SharedRingQueue({ capacity: 2, slotBytes: 4 });
    await expectRejectsInvalid(
      () => ring.getManyAsync(new Uint8Array(4), null as never),
      NOT_AN_OBJECT,
    );
    await expectRejectsInvalid(() => ring.putAsync(Uint8Array.of(1), null as never), NOT_AN_OBJECT);
    await expectRejectsInvalid(
      () => ring.putManyAsync(new Uint8Array(4), null as never),
      NOT_AN_OBJECT,
    );
    await expectRejectsInvalid(() => ring.getAsync(null as never), NOT_AN_OBJECT);
    await expectRejectsInvalid(() => ring.joinAsync(null as never), NOT_AN_OBJECT);
    await expectRejectsInvalid(
      () => ring.getManyAsync(new Uint8Array(8), { lengths: [0, 0] as never }),
      'Expected `lengths` to be an Int32Array of at least 2 elements, got `Array` (object)',
    );
    expect(ring.stats).toMatchObject({ size: 0, isShutdown: false });
  });

  it.each([
    ['put', (q: SharedRingQueue, o: never) => q.put(Uint8Array.of(1), o)],
    ['get', (q: SharedRingQueue, o: never) => q.get(o)],
    ['putMany', (q: SharedRingQueue, o: never) => q.putMany(new Uint8Array(4), o)],
    ['getMany', (q: SharedRingQueue, o: never) => q.getMany(new Uint8Array(4), o)],
    ['join', (q: SharedRingQueue, o: never) => q.join(o)],
    ['shutdown', (q: SharedRingQueue, o: never) => q.shutdown(o)],
  ])('SharedRingQueue.%s throws on null options before anything else', (_name, call) => {
    const ring = new SharedRingQueue({ capacity: 2, slotBytes: 4 });
    expectInvalid(
      thrown(() => call(ring, null as never)),
      NOT_AN_OBJECT,
    );
    expect(ring.stats).toMatchObject({ size: 0, isShutdown: false });
  });

  it('SharedRingQueue.getMany checks its lengths option', () => {
    const ring = new SharedRingQueue({ capacity: 2, slotBytes: 4 });
    expectInvalid(
      thrown(() => ring.getMany(new Uint8Array(8), { lengths: new Int32Array(1) })),
      'Expected `lengths` to be an Int32Array of at least 2 elements, got `Int32Array` (object)',
    );
  });

  it.each([
    ['AsyncQueue', (observer: never) => new AsyncQueue({ maxSize: 1, observer })],
    ['WorkQueue', (observer: never) => new WorkQueue({ concurrency: 1, observer })],
  ])('%s refuses an observer that is not an object', (_name, make) => {
    for (const observer of [null, 'metrics', () => undefined]) {
      expectInvalid(
        thrown(() => make(observer as never)),
        expect.stringMatching(
          /^Expected `observer` to be an object with onEnqueue\/onDequeue\/onDiscard, got /,
        ) as never,
      );
    }
  });

  it('queueMetricsObserver refuses what is not a gauge, a histogram or labels', () => {
    const size = { set: () => undefined };
    const waitSeconds = { observe: () => undefined };
    expectInvalid(
      thrown(() => queueMetricsObserver(null as never)),
      'Expected `options` to be an object like `{ size: gauge, waitSeconds: histogram }`, got `null`',
    );
    expectInvalid(
      thrown(() => queueMetricsObserver({ size: {}, waitSeconds } as never)),
      'Expected `size` to be a Gauge (an object with set()), got `Object` (object)',
    );
    expectInvalid(
      thrown(() => queueMetricsObserver({ size, waitSeconds: undefined } as never)),
      'Expected `waitSeconds` to be a Histogram (an object with observe()), got `undefined` (undefined)',
    );
    expectInvalid(
      thrown(() => queueMetricsObserver({ size, waitSeconds, labels: null } as never)),
      'Expected `labels` to be an object, got `null`',
    );
    // The queue's name is the `queue` label: another value for it is refused, not merged.
    expectInvalid(
      thrown(() => queueMetricsObserver({ size, waitSeconds, labels: { queue: 'other' } })),
      'Expected `labels.queue` to be absent (each event\'s queue name is the `queue` label), got `"other"` (string)',
    );
    expect(() =>
      queueMetricsObserver({ size, waitSeconds, labels: { model: 'async' } }),
    ).not.toThrow();
  });
});
