/**
 * Cross-thread stress: real worker threads, one real SharedArrayBuffer.
 * - 2 producer threads and 2 consumer threads pass 1,000,000 records; the main thread consumes
 *   too, asynchronously. Every record must arrive exactly once, untorn.
 * - Halfway, both producers stop until the main thread's timer has fired 5 times. Meanwhile
 *   the ring runs dry and the main-thread consumer sits in its wait: if that wait blocked the
 *   thread (Atomics.wait), no timer could fire, the producers would never resume and the test
 *   would hang. That it finishes is the proof the event loop stays responsive.
 * - Negative controls: a lock-free ring with a check-then-act race loses or duplicates records
 *   under the same load; and a blocking wait on the main thread does starve its timers.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import type { Worker } from 'node:worker_threads';
import { isQueueError, SharedRingQueue } from '../src/index';
import { nextMessage, startWorker, terminateWorkers } from './support/workers';

const RECORD = 8;
const hash = (value: number) => Math.imul(value ^ 0x5bd1e995, 2654435761) >>> 0;

interface ConsumerReport {
  seen: Uint8Array;
  torn: number;
}

interface Load {
  kind: 'safe' | 'unsafe';
  buffer: SharedArrayBuffer;
  total: number;
  threads?: number;
  /** Records per put/get call; 1 uses the plain put/get. @default 256 */
  batch?: number;
  gate?: SharedArrayBuffer;
}

function startProducers({ threads = 2, total, ...load }: Load): Worker[] {
  const share = total / threads;
  return Array.from({ length: threads }, (_, p) =>
    startWorker('ring-stress-worker.js', {
      ...load,
      role: 'producer',
      total,
      from: p * share,
      to: (p + 1) * share,
      gateAt: p * share + share / 2,
    }),
  );
}

function startConsumers({ threads = 2, ...load }: Load): Worker[] {
  return Array.from({ length: threads }, () =>
    startWorker('ring-stress-worker.js', { ...load, gate: undefined, role: 'consumer' }),
  );
}

/** Lost: sent, never received. Duplicated: received more than once. */
function tally(
  total: number,
  reports: ConsumerReport[],
): { lost: number; duplicated: number; torn: number } {
  let lost = 0;
  let duplicated = 0;
  for (let value = 0; value < total; value++) {
    let times = 0;
    for (const report of reports) times += report.seen[value] as number;
    if (times === 0) lost++;
    if (times > 1) duplicated += times - 1;
  }
  return { lost, duplicated, torn: reports.reduce((sum, r) => sum + r.torn, 0) };
}

afterEach(terminateWorkers);

describe('SharedRingQueue under load', () => {
  it('2 producer and 2 consumer threads (and the main thread) pass 1,000,000 records, each exactly once', async () => {
    const total = 1_000_000;
    const queue = new SharedRingQueue({ capacity: 1024, slotBytes: RECORD });
    // gate: [0] open flag, [1] producers that reached it
    const gate = new SharedArrayBuffer(8);
    const gateCells = new Int32Array(gate);

    const load = { kind: 'safe', buffer: queue.buffer, total, gate } as const;
    const consumers = startConsumers(load);
    const consumerReports = consumers.map((w) => nextMessage<ConsumerReport>(w));
    const producers = startProducers(load);
    const produced = Promise.all(producers.map((w) => nextMessage<{ produced: number }>(w)));

    // Timer ticks counted only while both producers are parked at the gate.
    let ticksWhileParked = 0;
    const ticker = setInterval(() => {
      if (Atomics.load(gateCells, 1) < 2 || Atomics.load(gateCells, 0) === 1) return;
      if (++ticksWhileParked === 5) {
        Atomics.store(gateCells, 0, 1);
        Atomics.notify(gateCells, 0);
      }
    }, 1);

    // The main thread consumes too, with getManyAsync (Atomics.waitAsync underneath).
    const mainSeen = new Uint8Array(total);
    let mainTorn = 0;
    const mainConsumer = (async () => {
      const target = new Uint8Array(RECORD * 128);
      const view = new DataView(target.buffer);
      for (;;) {
        let n: number;
        try {
          n = await queue.getManyAsync(target);
        } catch (error) {
          if (isQueueError(error, 'ERR_QUEUE_SHUTDOWN')) return;
          throw error;
        }
        for (let i = 0; i < n; i++) {
          const value = view.getUint32(i * RECORD, true);
          if (view.getUint32(i * RECORD + 4, true) !== hash(value)) mainTorn++;
          else mainSeen[value] = (mainSeen[value] as number) + 1;
        }
        queue.taskDone(n);
      }
    })();

    try {
      expect((await produced).reduce((sum, p) => sum + p.produced, 0)).toBe(total);
      await queue.joinAsync(); // every record taken and marked done, across all threads
      expect(queue.stats).toMatchObject({ size: 0, unfinishedTasks: 0 });
      await queue.shutdownAsync();
      const reports = [...(await Promise.all(consumerReports)), { seen: mainSeen, torn: mainTorn }];
      await mainConsumer;
      expect(tally(total, reports)).toEqual({ lost: 0, duplicated: 0, torn: 0 });
      expect(ticksWhileParked).toBe(5);
    } finally {
      clearInterval(ticker);
    }
  });

  it('3 producers and 3 consumers, one record per call through 2 slots, always asleep and waking: each exactly once', async () => {
    const total = 30_000;
    const queue = new SharedRingQueue({ capacity: 2, slotBytes: RECORD });
    const load = { kind: 'safe', buffer: queue.buffer, total, threads: 3, batch: 1 } as const;
    const reports = startConsumers(load).map((w) => nextMessage<ConsumerReport>(w));
    await Promise.all(startProducers(load).map((w) => nextMessage(w)));
    await queue.joinAsync();
    await queue.shutdownAsync();
    expect(tally(total, await Promise.all(reports))).toEqual({ lost: 0, duplicated: 0, torn: 0 });
  });

  it('negative control: a ring without the lock loses or duplicates records under the same load', async () => {
    const total = 200_000;
    const capacity = 1024;
    // unsafe ring layout (fixtures/unsafe-ring.js): 16-byte header (HEAD, TAIL, DONE), records
    const buffer = new SharedArrayBuffer(16 + capacity * RECORD);
    const load = { kind: 'unsafe', buffer, total } as const;
    const consumers = startConsumers(load);
    const reports = consumers.map((w) => nextMessage<ConsumerReport>(w));
    const producers = startProducers(load);
    await Promise.all(producers.map((w) => nextMessage(w)));
    Atomics.store(new Int32Array(buffer, 0, 4), 2, 1); // DONE: consumers stop when it runs dry
    const { lost, duplicated } = tally(total, await Promise.all(reports));
    expect(lost + duplicated).toBeGreaterThan(0);
  });

  it('negative control: a blocking wait on the main thread starves its timers', () => {
    const cell = new Int32Array(new SharedArrayBuffer(4));
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 1);
    try {
      // What `get()` would do on the main thread if it were allowed: nothing else can run.
      expect(Atomics.wait(cell, 0, 0, 50)).toBe('timed-out');
      expect(ticks).toBe(0);
    } finally {
      clearInterval(ticker);
    }
  });
});
