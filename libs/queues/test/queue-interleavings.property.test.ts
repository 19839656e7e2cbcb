/**
 * Producers and consumers as real concurrent async tasks, with fast-check's scheduler choosing
 * the order in which every pending step resumes: under any interleaving of puts, gets, aborts
 * and an immediate shutdown, every accepted item is received exactly once (or dropped by the
 * immediate shutdown) and none is invented. The negative control runs the same property
 * against a queue with the woken-consumer race and shows fast-check finds it.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { AsyncQueue, isQueueError, LifoQueue, PriorityQueue } from '../src/index';
import { RacyQueue } from './support/racy-queue';

interface QueueUnderTest {
  put(item: number, options?: { signal?: AbortSignal }): Promise<void>;
  get(options?: { signal?: AbortSignal }): Promise<number>;
  taskDone(): void;
  shutdown(options?: { immediate?: boolean }): void;
  readonly discarded: number;
}

type Factory = (maxSize: number, scheduler: fc.Scheduler) => QueueUnderTest;

function adapt(queue: AsyncQueue<number>): QueueUnderTest {
  return {
    put: (item, options) => queue.put(item, options),
    get: (options) => queue.get(options),
    taskDone: () => queue.taskDone(),
    shutdown: (options) => queue.shutdown(options),
    get discarded() {
      return queue.stats.discarded;
    },
  };
}

const scenario = fc.record({
  maxSize: fc.integer({ min: 1, max: 3 }),
  producers: fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 1, maxLength: 3 }),
  consumers: fc.integer({ min: 1, max: 3 }),
  /** Items whose put gets a signal that the scheduler aborts at some point. */
  abortedPuts: fc.array(fc.nat({ max: 14 }), { maxLength: 3 }),
  /** Consumers whose first get gets a signal that the scheduler aborts at some point. */
  abortedGets: fc.array(fc.nat({ max: 2 }), { maxLength: 2 }),
  immediateShutdown: fc.boolean(),
});

/** How conservation broke; the negative control checks it broke the way the bug predicts. */
class Violation extends Error {
  readonly kind: 'invented' | 'duplicated' | 'foreign' | 'lost';

  constructor(kind: Violation['kind']) {
    super(kind);
    this.kind = kind;
  }
}

function conservesItems(factory: Factory) {
  return fc.asyncProperty(fc.scheduler(), scenario, async (s, plan) => {
    const queue = factory(plan.maxSize, s);
    const accepted: number[] = [];
    const received: unknown[] = [];
    const abortLater = (): AbortSignal => {
      const controller = new AbortController();
      void s.schedule(Promise.resolve()).then(() => controller.abort());
      return controller.signal;
    };

    let nextItem = 0;
    const producers = plan.producers.map(async (count) => {
      for (let i = 0; i < count; i++) {
        const item = nextItem++;
        await s.schedule(Promise.resolve());
        const signal = plan.abortedPuts.includes(item) ? abortLater() : undefined;
        try {
          await queue.put(item, { signal });
          accepted.push(item);
        } catch {
          // refused (aborted, or shut down): not accepted, must never be received
        }
      }
    });
    const consumers = Array.from({ length: plan.consumers }, async (_, c) => {
      let signal = plan.abortedGets.includes(c) ? abortLater() : undefined;
      for (;;) {
        await s.schedule(Promise.resolve());
        try {
          received.push(await queue.get({ signal }));
          queue.taskDone();
        } catch (error) {
          if (isQueueError(error, 'ERR_QUEUE_SHUTDOWN')) return;
          signal = undefined; // aborted: carry on without it
        }
      }
    });
    if (plan.immediateShutdown) {
      void s.schedule(Promise.resolve()).then(() => queue.shutdown({ immediate: true }));
    }
    const produced = Promise.all(producers).then(() => queue.shutdown());

    // Release scheduled steps until everyone is done (a step may schedule the next one).
    await s.waitFor(Promise.all([produced, ...consumers]));

    const acceptedSet = new Set(accepted);
    if (!received.every((item) => typeof item === 'number')) throw new Violation('invented');
    if (new Set(received).size !== received.length) throw new Violation('duplicated');
    if (!received.every((item) => acceptedSet.has(item))) throw new Violation('foreign');
    if (received.length + queue.discarded !== accepted.length) throw new Violation('lost');
  });
}

describe('producers and consumers under the scheduler', () => {
  it.each([
    ['AsyncQueue', (maxSize: number) => adapt(new AsyncQueue<number>({ maxSize }))],
    ['LifoQueue', (maxSize: number) => adapt(new LifoQueue<number>({ maxSize }))],
    ['PriorityQueue', (maxSize: number) => adapt(new PriorityQueue<number>({ maxSize }))],
  ] as [string, Factory][])('%s neither loses nor duplicates an item', async (_name, factory) => {
    await fc.assert(conservesItems(factory), { numRuns: 150 });
  });

  it('negative control: a queue whose woken consumer does not re-check is caught losing items', async () => {
    const racy: Factory = (_maxSize, s) =>
      new RacyQueue<number>((wake) => void s.schedule(Promise.resolve()).then(wake));
    const result = await fc.check(conservesItems(racy), { numRuns: 300, seed: 42 });
    expect(result.failed).toBe(true);
    // The sleeper woke to find its item gone and took `undefined`: an item invented, one lost.
    expect((result.errorInstance as Violation).kind).toBe('invented');
  });
});
