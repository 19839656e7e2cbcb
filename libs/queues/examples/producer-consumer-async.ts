/**
 * The guide's producer/consumer, in one event loop: a queue of 5, one producer, two consumers,
 * and a sentinel per consumer to tell it to stop (Python: `queue.Queue(maxsize=5)` and
 * `threading.Thread`s, or `asyncio.Queue(5)` and tasks).
 */
import { AsyncQueue } from '../src/index';

export const SENTINEL = Symbol('no more work');

export interface ExampleResult {
  /** What each consumer processed, in order. */
  consumed: Record<string, number[]>;
  /** The most items the queue ever held. */
  highWater: number;
}

export async function producerConsumerAsync(messages = 20): Promise<ExampleResult> {
  const queue = new AsyncQueue<number | typeof SENTINEL>({ maxSize: 5, name: 'pipeline' });
  const consumed: Record<string, number[]> = {};
  let highWater = 0;

  const producer = async (): Promise<void> => {
    for (let message = 0; message < messages; message++) {
      await queue.put(message); // waits while 5 items are queued: backpressure
      highWater = Math.max(highWater, queue.size);
    }
    for (let i = 0; i < 2; i++) await queue.put(SENTINEL); // one per consumer
  };

  const consumer = async (name: string): Promise<void> => {
    const mine: number[] = (consumed[name] = []);
    for (;;) {
      const message = await queue.get();
      try {
        if (message === SENTINEL) return;
        await new Promise((resolve) => setImmediate(resolve)); // the "work": yields the loop
        mine.push(message);
      } finally {
        queue.taskDone();
      }
    }
  };

  await Promise.all([producer(), consumer('consumer-1'), consumer('consumer-2')]);
  await queue.join(); // every item, sentinels included, had its taskDone
  return { consumed, highWater };
}
