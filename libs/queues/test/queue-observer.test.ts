import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Gauge, Histogram, Registry } from 'prom-client';
import {
  AsyncQueue,
  queueMetricsObserver,
  WorkQueue,
  type QueueEvent,
  type QueueObserver,
  type QueueWaitEvent,
} from '../src/index';

function recorder(): { observer: QueueObserver; events: string[] } {
  const events: string[] = [];
  const observer: QueueObserver = {
    onEnqueue: (e: QueueEvent) => events.push(`enqueue ${e.queue} size=${e.size}`),
    onDequeue: (e: QueueWaitEvent) => {
      expect(e.waitMs).toBeGreaterThanOrEqual(0);
      events.push(`dequeue ${e.queue} size=${e.size}`);
    },
    onDiscard: (e: QueueWaitEvent) => events.push(`discard ${e.queue} size=${e.size}`),
  };
  return { observer, events };
}

/** A 5 ms job that counts how many of its runs overlap: `most()` is the most at once. */
function countedJobs(): { job: () => Promise<void>; most: () => number } {
  let running = 0;
  let most = 0;
  const job = () => {
    most = Math.max(most, ++running);
    return new Promise<void>((resolve) =>
      setTimeout(() => {
        running--;
        resolve();
      }, 5),
    );
  };
  return { job, most: () => most };
}

describe('the instrumentation hook', () => {
  it('reports every size change of an AsyncQueue, one enqueue and one dequeue/discard per item', async () => {
    const { observer, events } = recorder();
    const queue = new AsyncQueue<number>({ maxSize: 2, name: 'jobs', observer });
    queue.tryPut(1);
    queue.tryPut(2);
    const blocked = queue.put(3); // waits: no event until it enters
    expect(queue.tryGet()).toBe(1); // frees a slot: 3 moves in
    await blocked;
    queue.shutdown({ immediate: true });
    const handedOver = new AsyncQueue<number>({ maxSize: 1, name: 'direct', observer });
    const got = handedOver.get();
    handedOver.tryPut(9);
    expect(await got).toBe(9);
    expect(events).toEqual([
      'enqueue jobs size=1',
      'enqueue jobs size=2',
      'dequeue jobs size=1',
      'enqueue jobs size=2',
      'discard jobs size=1',
      'discard jobs size=0',
      'enqueue direct size=0',
      'dequeue direct size=0',
    ]);
  });

  it('reports a WorkQueue: jobs that start at once, jobs that wait, jobs cancelled while queued', async () => {
    const { observer, events } = recorder();
    const queue = new WorkQueue({ concurrency: 1, maxQueue: 5, name: 'scrape', observer });
    let release!: () => void;
    const first = queue.run(() => new Promise<void>((resolve) => (release = resolve)));
    const second = queue.run(() => 'second');
    const controller = new AbortController();
    const third = queue.run(() => 'third', { signal: controller.signal });
    controller.abort();
    await expect(third).rejects.toThrow();
    release();
    await first;
    expect(await second).toBe('second');
    expect(events).toEqual([
      'enqueue scrape size=0',
      'dequeue scrape size=0',
      'enqueue scrape size=1',
      'enqueue scrape size=2',
      'discard scrape size=1',
      'dequeue scrape size=0',
    ]);
  });

  it('tells an AsyncQueue observer of a take only after the waiting producer has moved in', async () => {
    // A re-entrant observer must find the queue as it is after the event: told mid-way, its
    // tryPut took the slot freed for the waiting producer and the queue held 3 of maxSize 2.
    const seen: string[] = [];
    const observer: QueueObserver = {
      onDequeue: () => {
        seen.push(`full=${String(queue.full)} waitingPutters=${queue.stats.waitingPutters}`);
        try {
          queue.tryPut(99);
        } catch (error) {
          seen.push((error as { code: string }).code);
        }
      },
    };
    // Called only once the queue exists: the observer's calls come from the queue.
    const queue = new AsyncQueue<number>({ maxSize: 2, observer });
    queue.tryPut(1);
    queue.tryPut(2);
    const waiting = queue.put(3);
    expect(queue.tryGet()).toBe(1);
    await waiting;
    expect(seen).toEqual(['full=true waitingPutters=0', 'ERR_QUEUE_FULL']);
    expect(queue.size).toBe(2);
  });

  it('tells a WorkQueue observer of a dequeue only once the job runs: concurrency holds', async () => {
    const { job, most } = countedJobs();
    let armed = false;
    const observer: QueueObserver = {
      onDequeue: () => {
        if (!armed) return;
        armed = false;
        void queue.run(job); // re-entrant: must queue, not start a second job
      },
    };
    const queue = new WorkQueue({ concurrency: 1, maxQueue: 5, observer });
    const first = queue.run(job);
    const second = queue.run(job); // queued: its dequeue comes when the first finishes
    armed = true;
    await Promise.all([first, second]);
    await queue.onIdle();
    expect(armed).toBe(false);
    expect(most()).toBe(1);
  });

  it.each(['onEnqueue', 'onDequeue'] as const)(
    'tells a WorkQueue observer of a job that starts at once (%s) only once it runs: concurrency holds',
    async (event) => {
      const { job, most } = countedJobs();
      let armed = true;
      let reentered: Promise<void> | undefined;
      const queue = new WorkQueue({
        concurrency: 1,
        maxQueue: 5,
        observer: {
          // Re-entrant, on the path where the slot was free: must queue, not start beside it.
          [event]: () => {
            if (!armed) return;
            armed = false;
            reentered = queue.run(job);
          },
        },
      });
      await queue.run(job);
      await reentered;
      expect(reentered).toBeDefined();
      expect(most()).toBe(1);
    },
  );

  it('carries on when an observer throws, and reports it once as a process warning with a stable code', () => {
    // jest's sandboxed `process` does not see warnings: watch a real process run the built lib.
    const script = `
      const { AsyncQueue } = require(${JSON.stringify(join(__dirname, '..', 'dist', 'index.js'))});
      process.on('warning', (w) => console.log(JSON.stringify({ name: w.name, code: w.code })));
      const fail = () => { throw new Error('observer bug'); };
      const queue = new AsyncQueue({ maxSize: 1, observer: { onEnqueue: fail, onDequeue: fail } });
      queue.tryPut(1);
      const waiting = queue.put(2); // full: waits for a slot
      const first = queue.tryGet(); // frees the slot: 2 must still move in
      waiting.then(() => {
        const second = queue.tryGet();
        const { size, enqueued, dequeued } = queue.stats;
        console.log(JSON.stringify({ first, second, size, enqueued, dequeued }));
      });
    `;
    const lines = execFileSync(process.execPath, ['--no-warnings', '-e', script], {
      encoding: 'utf8',
    })
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as unknown);
    expect(lines).toEqual([
      { name: 'QueueObserverError', code: 'ERR_QUEUE_OBSERVER_FAILED' }, // once, though 4 calls threw
      { first: 1, second: 2, size: 0, enqueued: 2, dequeued: 2 },
    ]);
  });
});

describe('queueMetricsObserver', () => {
  it("feeds prom-client's lab_queue_size gauge and lab_queue_wait_seconds histogram", async () => {
    const registry = new Registry();
    const size = new Gauge({
      name: 'lab_queue_size',
      help: 'Items waiting in a queue',
      labelNames: ['queue', 'model'],
      registers: [registry],
    });
    const waitSeconds = new Histogram({
      name: 'lab_queue_wait_seconds',
      help: 'Time an item waited in a queue',
      labelNames: ['queue', 'model'],
      buckets: [0.001, 0.1, 1],
      registers: [registry],
    });
    const observer = queueMetricsObserver({ size, waitSeconds, labels: { model: 'async' } });
    const queue = new AsyncQueue<string>({ maxSize: 10, name: 'scrape', observer });
    queue.tryPut('a');
    queue.tryPut('b');
    queue.tryPut('c');
    queue.tryGet();

    const labels = { queue: 'scrape', model: 'async' };
    const gauge = await size.get();
    expect(gauge.values).toEqual([{ labels, value: 2 }]);
    const histogram = await waitSeconds.get();
    const count = histogram.values.find((v) => v.metricName === 'lab_queue_wait_seconds_count');
    expect(count).toMatchObject({ labels, value: 1 });
  });
});
