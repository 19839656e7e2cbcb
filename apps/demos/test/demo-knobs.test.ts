import { DEMOS } from '../src/catalog';
import type { Demo } from '../src/demo';
import { gather } from '../src/demos/gather';
import { gil } from '../src/demos/gil';
import { hybrid } from '../src/demos/hybrid';
import { blocking } from '../src/demos/blocking';
import { libuvPool } from '../src/demos/libuv-pool';
import { manager } from '../src/demos/manager';
import { poolMap } from '../src/demos/pool-map';
import { primitives } from '../src/demos/primitives';
import { producerConsumer } from '../src/demos/producer-consumer';
import { race } from '../src/demos/race';
import { recycle } from '../src/demos/recycle';
import { starvation } from '../src/demos/starvation';
import { KnobError } from '../src/errors';
import { demoHelp } from '../src/help';
import { flagOf, knobEntries } from '../src/knobs';

/** The flag `demo.options(given)` refuses, or `undefined` when it takes them. */
function refusedFlag(demo: Demo, given: object): string | undefined {
  try {
    demo.options(given);
    return undefined;
  } catch (error) {
    expect(error).toBeInstanceOf(KnobError);
    return (error as KnobError).flag;
  }
}

describe("every demo's knobs", () => {
  it('have defaults within their own bounds: each demo runs as declared', () => {
    for (const demo of DEMOS) {
      const defaults = Object.fromEntries(knobEntries(demo.knobs).map(([k, v]) => [k, v.default]));
      expect([demo.name, demo.options()]).toEqual([demo.name, defaults]);
    }
  });

  it("have a one-line meaning and flags the command's own switches do not take", () => {
    for (const demo of DEMOS) {
      for (const [key, knob] of knobEntries(demo.knobs)) {
        expect([demo.name, key, /^\S.*\.$/.test(knob.doc), knob.doc.length <= 70]).toEqual([
          demo.name,
          key,
          true,
          true,
        ]);
        expect(['--json', '--all', '--list', '--help', '--out']).not.toContain(flagOf(key));
      }
    }
  });

  it('refuse, before anything starts, the values with which the lesson could never show', () => {
    const cases: [Demo, object, string | undefined][] = [
      // One round: barging and FIFO both serve the waiter after it.
      [starvation, { greedyRounds: 1 }, '--greedy-rounds'],
      [starvation, { greedyRounds: 2 }, undefined],
      // Alone: nothing to race, no second worker to lose an update to, nothing to parallelize.
      [manager, { workers: 1 }, '--workers'],
      [manager, { workers: 2 }, undefined],
      [race, { loopTasks: 1 }, '--loop-tasks'],
      [race, { loopTasks: 2 }, undefined],
      [gil, { tasks: 1 }, '--tasks'],
      [gil, { tasks: 2 }, undefined],
      // A task of fib(24) or less is as short as the messages to the pool: a run times those.
      [gil, { n: 24 }, '--n'],
      [gil, { n: 25, tasks: 2, rounds: 1 }, undefined],
      [poolMap, { workers: 1 }, '--workers'],
      [poolMap, { images: 1 }, '--images'],
      [poolMap, { workers: 2, images: 2 }, undefined],
      // No child retired: the recycled pool is the long-lived one (tasks default to 40).
      [recycle, { maxTasksPerChild: 40 }, '--max-tasks-per-child'],
      [recycle, { tasks: 4, maxTasksPerChild: 100 }, '--max-tasks-per-child'],
      [recycle, { maxTasksPerChild: 39 }, '--tasks'],
      [recycle, { maxTasksPerChild: 8 }, undefined],
      // A leak too small to tell from the RSS's own noise (a child keeping nothing grew by up
      // to 13 MiB): the tasks past what a recycled child may hold must leak 64 MiB or more.
      [recycle, { tasks: 4, leakKib: 64, maxTasksPerChild: 1 }, '--tasks'],
      [recycle, { tasks: 16, leakKib: 4096, maxTasksPerChild: 1 }, '--tasks'],
      [recycle, { tasks: 17, leakKib: 4096, maxTasksPerChild: 1 }, undefined],
      [recycle, { tasks: 400, leakKib: 218, maxTasksPerChild: 100 }, '--tasks'],
      [recycle, { tasks: 400, leakKib: 219, maxTasksPerChild: 100 }, undefined],
      [recycle, { tasks: 40, leakKib: 1872, maxTasksPerChild: 5 }, '--tasks'],
      [recycle, { tasks: 40, leakKib: 1873, maxTasksPerChild: 5 }, undefined],
      // No read waits for a thread: not more reads than the smallest pool (sizes 4 and 8).
      [libuvPool, { reads: 4 }, '--reads'],
      [libuvPool, { reads: 6, poolSizes: [8, 6] }, '--reads'],
      [libuvPool, { reads: 5 }, undefined],
      [libuvPool, { reads: 3, poolSizes: [8, 2] }, undefined],
      // No pool takes every read: more reads than the largest pool.
      [libuvPool, { reads: 9 }, '--reads'],
      [libuvPool, { reads: 8 }, undefined],
      // One size, or one size twice: no read waits in one pool and runs at once in another.
      // Refused by `--pool-sizes`'s own bounds (so its --help says it), whatever `--reads` is.
      [libuvPool, { poolSizes: [4] }, '--pool-sizes'],
      [libuvPool, { reads: 4, poolSizes: [4, 4] }, '--pool-sizes'],
      [libuvPool, { reads: 5, poolSizes: [4, 4] }, '--pool-sizes'],
      [libuvPool, { reads: 5, poolSizes: [4, 8, 4] }, '--pool-sizes'],
      [libuvPool, { reads: 5, poolSizes: [4, 8, 2] }, undefined],
      // A form lasts 200 ms and more (100 ms calm either side of the work): a longer period
      // sends one ping a form, under the 2 the verdict needs.
      [blocking, { pingEveryMs: 101 }, '--ping-every-ms'],
      [blocking, { pingEveryMs: 100 }, undefined],
      // Aged, the priority-5 job is served at tick 5 × aging ticks + 1 (20 by default).
      [starvation, { ticks: 100 }, '--ticks'],
      [starvation, { ticks: 101 }, undefined],
      [starvation, { ticks: 10, agingTicks: 2 }, '--ticks'],
      [starvation, { ticks: 11, agingTicks: 2 }, undefined],
      // No more fetches than permits: the crawler without the semaphore is as limited (3).
      [primitives, { pages: 3 }, '--pages'],
      [primitives, { pages: 4 }, undefined],
      // The consumer takes the first item at once: the buffer (2) fills with the next two.
      [primitives, { items: 2 }, '--items'],
      [primitives, { items: 3 }, undefined],
      [primitives, { parties: 1 }, '--parties'],
      [primitives, { parties: 2 }, undefined],
      // Every item fits in the ring (8 slots, 2 producers): no producer waits.
      [producerConsumer, { itemsPerProducer: 4 }, '--items-per-producer'],
      [producerConsumer, { itemsPerProducer: 5 }, undefined],
      [producerConsumer, { producers: 1, itemsPerProducer: 8 }, '--items-per-producer'],
      // Over the time budget, which a producer's 30 s to put its items sets: 100,000 items, and
      // 2,000,000,000 busy-work iterations in all (2 producers of 20,000 items by default).
      [producerConsumer, { producers: 8, itemsPerProducer: 12_501 }, '--items-per-producer'],
      [producerConsumer, { itemsPerProducer: 50_001 }, '--items-per-producer'],
      [producerConsumer, { producers: 8, itemsPerProducer: 12_500 }, undefined],
      [producerConsumer, { producers: 1, itemsPerProducer: 100_000 }, undefined],
      [producerConsumer, { workPerItem: 50_000, itemsPerProducer: 20_001 }, '--work-per-item'],
      [producerConsumer, { workPerItem: 50_000 }, undefined],
      [
        producerConsumer,
        { producers: 8, itemsPerProducer: 12_500, workPerItem: 20_001 },
        '--work-per-item',
      ],
      [
        producerConsumer,
        { producers: 8, itemsPerProducer: 12_500, workPerItem: 20_000 },
        undefined,
      ],
      // 2 jobs: one by one is under 2× all at once; 1 worker computes one job at a time.
      [hybrid, { jobs: 2 }, '--jobs'],
      [hybrid, { jobs: 3 }, undefined],
      [hybrid, { workers: 1 }, '--workers'],
      [hybrid, { workers: 2 }, undefined],
      // Over the time budget: one by one waits 60,000 ms at most in a run (16 jobs, 3 rounds).
      [hybrid, { latencyMs: 2000 }, '--latency-ms'],
      [hybrid, { latencyMs: 2000, jobs: 8, rounds: 4 }, '--latency-ms'],
      [hybrid, { latencyMs: 2000, jobs: 10, rounds: 3 }, undefined],
      [hybrid, { latencyMs: 105, jobs: 64, rounds: 9 }, '--latency-ms'],
      [hybrid, { latencyMs: 104, jobs: 64, rounds: 9 }, undefined],
      [hybrid, { n: 35 }, '--n'],
      [hybrid, { n: 34, jobs: 64, rounds: 9 }, undefined],
      // setTimeout(…, 0) waits 1 ms; two jobs of one length have no order; a, first in input
      // order, must finish last, or input order and completion order could agree.
      [gather, { delaysMs: [1, 0, 2] }, '--delays-ms'],
      [gather, { delaysMs: [5, 5, 6] }, '--delays-ms'],
      [gather, { delaysMs: [1, 2, 3] }, '--delays-ms'],
      [gather, { delaysMs: [2, 1, 3] }, '--delays-ms'],
      [gather, { delaysMs: [3, 1, 2] }, undefined],
    ];
    const row = ([demo, given]: (typeof cases)[number], flag: string | undefined) =>
      `${demo.name} ${JSON.stringify(given)}: ${flag ?? 'taken'}`;
    expect(cases.map((c) => row(c, refusedFlag(c[0], c[1])))).toEqual(
      cases.map((c) => row(c, c[2])),
    );
  });

  it('say in --help what a list takes: libuv-pool compares 2 to 4 pool sizes, none twice', () => {
    expect(demoHelp(libuvPool).replace(/\s+/g, ' ')).toContain(
      '--pool-sizes 4,8 — UV_THREADPOOL_SIZE values compared, one child each. A comma list of 2 to 4 distinct integers, each from 1 to 64.',
    );
  });

  it('say what they must meet together in the demo’s --help, as the error does', () => {
    const help = demoHelp(recycle).replace(/\s+/g, ' ');
    expect(help).toContain('Together: `--max-tasks-per-child` below `--tasks`');
    expect(() => recycle.options({ tasks: 10, maxTasksPerChild: 10 })).toThrow(
      'Expected `--max-tasks-per-child` below `--tasks`: else no child is retired, and the recycled pool is the long-lived one, got `--max-tasks-per-child 10`, `--tasks 10`',
    );
  });

  it('name every knob of a time budget broken, and the budget', () => {
    expect(() => hybrid.options({ latencyMs: 2000, jobs: 8, rounds: 4 })).toThrow(
      /^Expected `--latency-ms` × `--jobs` × `--rounds` at most 60,000: .*, got `--latency-ms 2000`, `--jobs 8`, `--rounds 4`$/,
    );
    expect(() => producerConsumer.options({ producers: 8, itemsPerProducer: 12_501 })).toThrow(
      /^Expected `--items-per-producer` × `--producers` at most 100,000: .*, got `--items-per-producer 12501`, `--producers 8`$/,
    );
    expect(() =>
      producerConsumer.options({ workPerItem: 50_000, itemsPerProducer: 20_001 }),
    ).toThrow(
      /^Expected `--work-per-item` × `--items-per-producer` × `--producers` at most 2,000,000,000: .*, got `--work-per-item 50000`, `--items-per-producer 20001`, `--producers 2`$/,
    );
  });

  it('type `run` from their declaration: a misspelt knob or figure does not compile', () => {
    // Never called: `nx typecheck demos` is the test (each line fails it without its directive).
    const typed = async () => {
      // @ts-expect-error a misspelt knob
      await starvation.run({ greedyRound: 3 });
      // @ts-expect-error a knob of the wrong type
      await starvation.run({ greedyRounds: '3' });
      const { figures } = await starvation.run({ greedyRounds: 3 });
      // @ts-expect-error a misspelt figure
      return typeof figures.barging.acquisitionsBeforePolit;
    };
    expect(typed).toBeInstanceOf(Function);
  });
});
