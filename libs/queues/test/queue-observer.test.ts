import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Gauge, Histogram, Registry } from 'prom-client';
import { deferred } from './support/deferred';
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

/** A one-slot WorkQueue, and the `waitMs` its observer is told with each `event`. */
function timedWorkQueue(event: 'onDequeue' | 'onDiscard'): { queue: WorkQueue; waits: number[] } {
  const waits: number[] = [];
  const observer: QueueObserver = { [event]: ({ waitMs }: QueueWaitEvent) => waits.push(waitMs) };
  return { queue: new WorkQueue({ concurrency: 1, observer }), waits };
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

  // Each wait is checked against a bound read from the clock around it: an item's stamp is taken
  // inside the call that queued it, so it is at most the time read just after that call.
  it('reports how long an AsyncQueue item sat in the buffer', async () => {
    const waits: number[] = [];
    const queue = new AsyncQueue<number>({
      maxSize: 5,
      observer: { onDequeue: ({ waitMs }) => waits.push(waitMs) },
    });
    queue.tryPut(1);
    const putBy = performance.now();
    await sleep(50);
    const satAtLeast = performance.now() - putBy;
    queue.tryGet();
    expect(satAtLeast).toBeGreaterThan(40); // the control: it did sit there
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(satAtLeast);
  });

  it('reports how long a WorkQueue job waited for its slot', async () => {
    const { queue, waits } = timedWorkQueue('onDequeue');
    let firstEnded = 0;
    const first = queue.run(async () => {
      await sleep(50);
      firstEnded = performance.now(); // the queued job starts after this
    });
    const second = queue.run(() => 'second');
    const queuedBy = performance.now();
    await Promise.all([first, second]);
    const waitedAtLeast = firstEnded - queuedBy;
    expect(waitedAtLeast).toBeGreaterThan(40); // the control: it did wait
    expect(waits).toHaveLength(2);
    expect(waits[0]).toBe(0); // the first started at once
    expect(waits[1]).toBeGreaterThanOrEqual(waitedAtLeast);
  });

  it('reports how long a WorkQueue job had waited when it was cancelled while queued', async () => {
    const { queue, waits: discards } = timedWorkQueue('onDiscard');
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const controller = new AbortController();
    const cancelled = queue.run(() => 'never', { signal: controller.signal });
    const queuedBy = performance.now();
    await sleep(40);
    const waitedAtLeast = performance.now() - queuedBy;
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect(waitedAtLeast).toBeGreaterThan(30); // the control: it did wait
    expect(discards).toHaveLength(1);
    expect(discards[0]).toBeGreaterThanOrEqual(waitedAtLeast);
    gate.resolve();
    await running;
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

/** The contract's two queue metrics, labelled by `labelNames`, in a registry of their own. */
function labQueueMetrics(labelNames: string[] = ['queue']): {
  size: Gauge;
  waitSeconds: Histogram;
} {
  const registers = [new Registry()];
  return {
    size: new Gauge({
      name: 'lab_queue_size',
      help: 'Items waiting in a queue',
      labelNames,
      registers,
    }),
    waitSeconds: new Histogram({
      name: 'lab_queue_wait_seconds',
      help: 'Time an item waited in a queue',
      labelNames,
      buckets: [0.001, 0.1, 1],
      registers,
    }),
  };
}

describe('queueMetricsObserver', () => {
  it("feeds prom-client's lab_queue_size gauge and lab_queue_wait_seconds histogram", async () => {
    const { size, waitSeconds } = labQueueMetrics(['queue', 'model']);
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

  it('observes lab_queue_wait_seconds in seconds', async () => {
    const { size, waitSeconds } = labQueueMetrics();
    const queue = new AsyncQueue<string>({
      maxSize: 5,
      name: 'q',
      observer: queueMetricsObserver({ size, waitSeconds }),
    });
    const putFrom = performance.now();
    queue.tryPut('a');
    const putBy = performance.now();
    await sleep(50);
    const satAtLeast = performance.now() - putBy;
    queue.tryGet();
    const satAtMost = performance.now() - putFrom;
    const histogram = await waitSeconds.get();
    const sum = histogram.values.find((v) => v.metricName === 'lab_queue_wait_seconds_sum');
    expect(sum?.value).toBeGreaterThanOrEqual(satAtLeast / 1000);
    expect(sum?.value).toBeLessThanOrEqual(satAtMost / 1000);
  });

  it('sets lab_queue_size back to 0 when a queued WorkQueue job is cancelled', async () => {
    const { size, waitSeconds } = labQueueMetrics();
    const queue = new WorkQueue({
      concurrency: 1,
      name: 'w',
      observer: queueMetricsObserver({ size, waitSeconds }),
    });
    const gauge = async (): Promise<number | undefined> => (await size.get()).values[0]?.value;
    const gate = deferred();
    const running = queue.run(() => gate.promise);
    const controller = new AbortController();
    const cancelled = queue.run(() => 'never', { signal: controller.signal });
    expect(await gauge()).toBe(1); // the control: the gauge sees the queued job
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect(queue.stats.queued).toBe(0);
    expect(await gauge()).toBe(0);
    gate.resolve();
    await running;
  });
});
