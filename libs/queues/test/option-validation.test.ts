import { describe, expect, it } from '@jest/globals';
import {
  AsyncQueue,
  PriorityQueue,
  SharedRingQueue,
  WorkQueue,
  type QueueOptions,
} from '../src/index';
import { rejectionCode, thrownCode } from './support/settlement';

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

  it.each([
    ['no options', undefined],
    ['capacity 0', { capacity: 0, slotBytes: 8 }],
    ['slotBytes 0', { capacity: 8, slotBytes: 0 }],
    ['more than 1 GiB', { capacity: 1 << 20, slotBytes: 2048 }],
    ['a buffer that is not a ring', { buffer: new SharedArrayBuffer(128) }],
    ['an ArrayBuffer', { buffer: new ArrayBuffer(128) }],
  ])('SharedRingQueue refuses %s', (_case, options) => {
    expect(thrownCode(() => new SharedRingQueue(options as never))).toBe(
      'ERR_QUEUE_INVALID_ARGUMENT',
    );
  });
});
