/**
 * The same pipeline across threads: a SharedRingQueue of 5 slots, the main thread producing
 * with `putAsync` (its event loop never blocks), two worker threads consuming with the blocking
 * `get`, and an empty message as each consumer's sentinel (Python: `multiprocessing.Queue(5)`
 * or `queue.Queue(5)` with threads). Workers run the built lib: `npm run build` first.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { SharedRingQueue } from '../src/index';

export interface ThreadsExampleResult {
  /** What each consumer thread processed, in order. */
  consumed: Record<string, number[]>;
  /** The most messages the ring ever held, as the producer saw it. */
  highWater: number;
}

export async function producerConsumerThreads(messages = 20): Promise<ThreadsExampleResult> {
  const queue = new SharedRingQueue({ capacity: 5, slotBytes: 4 });
  const consumers = ['consumer-1', 'consumer-2'].map(
    (name) =>
      new Worker(join(__dirname, 'producer-consumer-worker.js'), {
        workerData: { buffer: queue.buffer, name },
      }),
  );
  try {
    const reports = consumers.map(
      (worker) =>
        new Promise<{ name: string; consumed: number[] }>((resolve, reject) => {
          worker.once('message', resolve);
          worker.once('error', reject);
        }),
    );
    let highWater = 0;
    const message = new Uint8Array(4);
    const view = new DataView(message.buffer);
    for (let i = 0; i < messages; i++) {
      view.setUint32(0, i, true);
      await queue.putAsync(message); // sleeps in Atomics.waitAsync while 5 are queued
      highWater = Math.max(highWater, queue.size);
    }
    for (let i = 0; i < consumers.length; i++) await queue.putAsync(new Uint8Array(0)); // sentinels
    await queue.joinAsync();
    const consumed: Record<string, number[]> = {};
    for (const report of await Promise.all(reports)) consumed[report.name] = report.consumed;
    return { consumed, highWater };
  } finally {
    await Promise.all(consumers.map((worker) => worker.terminate()));
  }
}
