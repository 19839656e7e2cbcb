/**
 * The same pipeline with a WorkQueue: the buffer of 5 and the two consumers are one object.
 * The producer waits for room (`onSizeBelow`) instead of being refused, and `shutdown()`
 * replaces the sentinels: it stops intake and resolves once the queued work is done (Python:
 * `ThreadPoolExecutor(max_workers=2)` and `executor.shutdown(wait=True)`).
 */
import { WorkQueue, type JobContext } from '../src/index';

export interface WorkQueueExampleResult {
  results: number[];
  /** The most jobs ever queued (not running) at once. */
  highWater: number;
  /** The most jobs ever running at once. */
  mostRunning: number;
}

export async function producerConsumerWorkQueue(messages = 20): Promise<WorkQueueExampleResult> {
  const queue = new WorkQueue({ concurrency: 2, maxQueue: 5, name: 'pipeline' });
  let highWater = 0;
  let mostRunning = 0;
  const results: Promise<number>[] = [];

  const process = async (message: number, { signal }: JobContext): Promise<number> => {
    mostRunning = Math.max(mostRunning, queue.stats.running);
    await new Promise((resolve) => setImmediate(resolve)); // the "work"
    signal.throwIfAborted();
    return message * message;
  };

  for (let message = 0; message < messages; message++) {
    await queue.onSizeBelow(5); // backpressure: wait for room rather than get ERR_QUEUE_FULL
    results.push(queue.run((context) => process(message, context)));
    highWater = Math.max(highWater, queue.stats.queued);
  }
  await queue.shutdown(); // the sentinel: no more intake, resolves when the queue is idle
  return { results: await Promise.all(results), highWater, mostRunning };
}
