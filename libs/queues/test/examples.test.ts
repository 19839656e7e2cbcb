/** The guide's producer/consumer (queue of 5, one producer, two consumers) in each family. */
import { describe, expect, it } from '@jest/globals';
import { producerConsumerAsync } from '../examples/producer-consumer-async';
import { producerConsumerThreads } from '../examples/producer-consumer-threads';
import { producerConsumerWorkQueue } from '../examples/producer-consumer-work-queue';

const MESSAGES = 40;
const everyMessage = Array.from({ length: MESSAGES }, (_, i) => i);

function expectEachOnceInOrder(consumed: Record<string, number[]>): void {
  const all = Object.values(consumed).flat();
  expect([...all].sort((a, b) => a - b)).toEqual(everyMessage);
  // FIFO: each consumer saw its share in the order it was produced.
  for (const share of Object.values(consumed)) {
    expect(share).toEqual([...share].sort((a, b) => a - b));
  }
}

describe('producer/consumer examples', () => {
  it('event loop: AsyncQueue of 5, two consumer tasks, sentinels', async () => {
    const { consumed, highWater } = await producerConsumerAsync(MESSAGES);
    expect(Object.keys(consumed).sort()).toEqual(['consumer-1', 'consumer-2']);
    expectEachOnceInOrder(consumed);
    expect(highWater).toBeLessThanOrEqual(5);
    expect(Object.values(consumed).every((share) => share.length > 0)).toBe(true);
  });

  it('work queue: a buffer of 5 feeding two consumers, shutdown instead of sentinels', async () => {
    const { results, highWater, mostRunning } = await producerConsumerWorkQueue(MESSAGES);
    expect(results).toEqual(everyMessage.map((n) => n * n));
    expect(highWater).toBeLessThanOrEqual(5);
    expect(mostRunning).toBe(2);
  });

  it('threads: SharedRingQueue of 5, the main thread producing, two consumer threads', async () => {
    const { consumed, highWater } = await producerConsumerThreads(MESSAGES);
    expect(Object.keys(consumed).sort()).toEqual(['consumer-1', 'consumer-2']);
    expectEachOnceInOrder(consumed);
    expect(highWater).toBeLessThanOrEqual(5);
  });
});
