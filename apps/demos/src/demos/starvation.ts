import { Mutex } from '@concurrency-lab/locks';
// The negative control: a lock that marks itself free on release and only wakes the next
// waiter, so the task that just released, asking again in the same turn, barges in ahead of it.
import { BargingLock, type SimpleLock } from '@concurrency-lab/locks/unfair-locks';
import { PriorityQueue } from '@concurrency-lab/queues';
import { setTimeout as sleep } from 'node:timers/promises';
import { defineDemo } from '../demo';
import { integer } from '../knobs';
import { verdictOf } from '../verdict';
import { fixed, int } from '../format';

/** A greedy task takes the lock again and again; a second task asks once, just after it. */
async function greedyAndPolite(lock: SimpleLock, rounds: number, holdMs: number) {
  let greedyAcquisitions = 0;
  let acquisitionsBeforePolite = -1;
  let politeWaitMs = 0;
  const greedy = async () => {
    for (let i = 0; i < rounds; i++) {
      const token = await lock.acquire();
      greedyAcquisitions++;
      await sleep(holdMs);
      token.unlock(); // and straight back to acquire(), in the same turn
    }
  };
  const polite = async () => {
    await sleep(holdMs / 2); // arrive while the greedy task holds the lock
    const asked = performance.now();
    const token = await lock.acquire();
    politeWaitMs = performance.now() - asked;
    acquisitionsBeforePolite = greedyAcquisitions;
    token.unlock();
  };
  await Promise.all([greedy(), polite()]);
  return { acquisitionsBeforePolite, politeWaitMs };
}

/** The background job's priority: with aging, it is served once it has waited this many levels. */
const BACKGROUND_PRIORITY = 5;

export interface Job {
  name: 'urgent' | 'background';
  priority: number;
  enqueuedAt: number;
}

/** Plain priorities: the lower number first, arrival order among equals (the queue is stable). */
export const byPriority = (a: Job, b: Job): number => a.priority - b.priority;

/**
 * Aging as a sort key: priority × agingTicks + arrival. "Now" cancels out of any comparison of
 * two waiting jobs' aged priorities, so a heap can keep the order.
 */
export const byAgedPriority =
  (agingTicks: number) =>
  (a: Job, b: Job): number =>
    a.priority * agingTicks + a.enqueuedAt - (b.priority * agingTicks + b.enqueuedAt);

/**
 * A stream of urgent jobs (priority 0, one per tick) and one background job (priority 5)
 * queued at tick 0; one job is served per tick. Returns the background job's age when served
 * (or its age at the end, if never) and the oldest age any served job reached.
 */
export function serveWithPriorities(ticks: number, compare: (a: Job, b: Job) => number) {
  const queue = new PriorityQueue<Job>({ maxSize: 16, name: 'jobs', compare });
  queue.tryPut({ name: 'background', priority: BACKGROUND_PRIORITY, enqueuedAt: 0 });
  queue.tryPut({ name: 'urgent', priority: 0, enqueuedAt: 0 });
  let backgroundServedAt: number | null = null;
  let oldestServedAge = 0;
  for (let tick = 1; tick <= ticks; tick++) {
    queue.tryPut({ name: 'urgent', priority: 0, enqueuedAt: tick });
    const job = queue.tryGet();
    oldestServedAge = Math.max(oldestServedAge, tick - job.enqueuedAt);
    if (job.name === 'background') backgroundServedAt = tick;
  }
  return {
    backgroundServedAt,
    backgroundAge: backgroundServedAt ?? ticks,
    oldestServedAge,
  };
}

export const starvation = defineDemo({
  name: 'starvation',
  mirrors: 'Starvation: a waiter that never gets its turn',
  describe:
    'A task that takes a lock again at once starves the others under a barging lock; the FIFO lock hands it to the oldest waiter. A priority queue fed a stream of urgent jobs never serves a background one, unless waiting ages it up.',
  knobs: {
    // Rounds × hold runs twice (barging, FIFO): at most 200 × 50 ms = 10 s each. From 2: with
    // one round there is no "back" to barge in with, and both locks serve the waiter after it.
    greedyRounds: integer('Times the greedy task takes the lock back to back.', {
      default: 25,
      min: 2,
      max: 200,
    }),
    holdMs: integer('How long it holds the lock each time (ms).', { default: 4, min: 1, max: 50 }),
    // In-process, one item per tick: cheap, but a heap of this many items.
    ticks: integer('Items served from the priority queue, one per tick.', {
      default: 300,
      min: 1,
      max: 100_000,
    }),
    agingTicks: integer('With aging, one priority level is worth this many ticks.', {
      default: 20,
      min: 1,
      max: 10_000,
    }),
  },
  rules: [
    {
      knobs: ['ticks', 'agingTicks'],
      // Aged, the background job sorts as if it arrived at tick 5 × aging ticks: it is served
      // after every urgent job that arrived before, at the tick after that (the unit test pins it).
      doc: `\`--ticks\` above ${BACKGROUND_PRIORITY} × \`--aging-ticks\`: else even with aging the priority-${BACKGROUND_PRIORITY} job has not waited long enough to be served`,
      holds: ({ ticks, agingTicks }) => ticks > BACKGROUND_PRIORITY * agingTicks,
    },
  ],
  async run(o) {
    const barging = await greedyAndPolite(new BargingLock(), o.greedyRounds, o.holdMs);
    const fifo = await greedyAndPolite(new Mutex({ name: 'fifo' }), o.greedyRounds, o.holdMs);
    const plain = serveWithPriorities(o.ticks, byPriority);
    const aged = serveWithPriorities(o.ticks, byAgedPriority(o.agingTicks));
    const { checks, verdict } = judge(o, { barging, fifo, plain, aged });
    return {
      figures: {
        ...o,
        barging,
        fifo,
        priorityWithoutAging: plain,
        priorityWithAging: aged,
        checks,
      },
      table: {
        header: ['case', 'waiter served after', "oldest waiter's age"],
        align: ['left', 'left', 'right'],
        rows: [
          [
            'barging lock',
            `${barging.acquisitionsBeforePolite} greedy turns`,
            `${fixed(barging.politeWaitMs, 0)} ms`,
          ],
          [
            'FIFO Mutex (locks lib)',
            `${fifo.acquisitionsBeforePolite} greedy turn`,
            `${fixed(fifo.politeWaitMs, 0)} ms`,
          ],
          priorityRow('PriorityQueue, no aging', plain, o.ticks),
          priorityRow('PriorityQueue, with aging', aged, o.ticks),
        ],
      },
      notes: [
        `The greedy task held the lock ${o.holdMs} ms at a time, ${o.greedyRounds} times, asking again as soon as it let go.`,
        `Aging: a priority level is worth ${o.agingTicks} ticks of waiting, so the priority-${BACKGROUND_PRIORITY} job overtakes urgent jobs younger than ${BACKGROUND_PRIORITY * o.agingTicks} ticks.`,
      ],
      verdict,
    };
  },
});

/** The two ways a lock was taken and the two ways a priority queue served, as the demo ran them. */
export interface StarvationRuns {
  barging: { acquisitionsBeforePolite: number };
  fifo: { acquisitionsBeforePolite: number };
  plain: ReturnType<typeof serveWithPriorities>;
  aged: ReturnType<typeof serveWithPriorities>;
}

/**
 * The starvation lesson's checks and verdict: exported for its unit test, which hands it runs made
 * up or served by a queue aging a shade too slowly. Aged, the background job sorts as if it
 * arrived at tick 5 × aging ticks, and is served at the tick after that — the urgent job queued
 * with it at tick 0 goes first — so no served job may be older than 5 × aging ticks + 1.
 */
export function judge(o: { greedyRounds: number; agingTicks: number }, runs: StarvationRuns) {
  const { barging, fifo, plain, aged } = runs;
  const checks = {
    bargingStarved: barging.acquisitionsBeforePolite === o.greedyRounds,
    fifoTurn: fifo.acquisitionsBeforePolite === 1,
    plainStarved: plain.backgroundServedAt === null,
    agingServed:
      aged.backgroundServedAt !== null &&
      aged.oldestServedAge <= BACKGROUND_PRIORITY * o.agingTicks + 1,
  };
  return {
    checks,
    verdict: verdictOf(checks, 'the unfair ones starved their waiter, FIFO and aging did not'),
  };
}

/**
 * A priority queue's row of the table: when the background job was served, and the oldest
 * waiter's age — that job's own while it was never served, since every job served was younger.
 */
export function priorityRow(
  label: string,
  served: ReturnType<typeof serveWithPriorities>,
  ticks: number,
): string[] {
  const { backgroundServedAt: at } = served;
  return at === null
    ? [label, `never (${int(ticks)} ticks)`, `${int(served.backgroundAge)} ticks`]
    : [label, `tick ${at}`, `${int(served.oldestServedAge)} ticks`];
}
