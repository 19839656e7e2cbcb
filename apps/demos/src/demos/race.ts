import { Mutex, SharedMutex } from '@concurrency-lab/locks';
import { defineDemo, type Verdict } from '../demo';
import { integer } from '../knobs';
import { int } from '../format';
import { Peer, allSay } from '../peer';
import { clusterIncrements, runClusterCounter } from '../cluster-counter';
import type { RaceMode, RaceThreadData } from '../workers/race-thread';

/** One counter's run: how many increments it was given and how many it counted. */
export interface Row {
  model: string;
  guard: string;
  expected: number;
  actual: number;
}

/** The event loop: `value = counter; await …; counter = value + 1` in concurrent tasks. */
async function loopCounter(tasks: number, increments: number, mutex?: Mutex): Promise<number> {
  let counter = 0;
  const once = async () => {
    const seen = counter;
    await new Promise<void>((resolve) => setImmediate(resolve)); // any await: a read, a query
    counter = seen + 1;
  };
  await Promise.all(
    Array.from({ length: tasks }, async () => {
      for (let i = 0; i < increments; i++) await (mutex ? mutex.withLock(once) : once());
    }),
  );
  return counter;
}

/** Two worker threads on one Int32 in a SharedArrayBuffer, started together. */
async function threadCounter(mode: RaceMode, iterations: number): Promise<number> {
  const counter = new SharedArrayBuffer(4);
  const start = new SharedArrayBuffer(4);
  const mutex = new SharedMutex({ name: 'counter' });
  const data: RaceThreadData = { mode, iterations, counter, start, mutex: mutex.handle };
  await using a = Peer.thread('race-thread', data);
  await using b = Peer.thread('race-thread', data);
  await allSay([a, b], 'ready');
  const flag = new Int32Array(start);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  await Promise.all([a.next(), b.next()]);
  return Atomics.load(new Int32Array(counter), 0);
}

export const race = defineDemo({
  name: 'race',
  mirrors: 'Race conditions: the shared counter',
  describe:
    'A counter incremented by read-then-write from concurrent tasks, threads and processes loses updates; a lock (or one atomic step) loses none. Each model is run both ways and the lost updates are counted.',
  knobs: {
    // Each increment is a turn of the event loop (twice: unguarded and guarded): 100 tasks ×
    // 10,000 increments is a few seconds. From 2: one task alone has no one to race.
    loopTasks: integer('Async tasks of the event-loop case.', { default: 10, min: 2, max: 100 }),
    loopIncrements: integer('Increments per async task.', { default: 1000, min: 1, max: 10_000 }),
    // The guarded run takes a SharedMutex per increment: 5,000,000 took 10 s here.
    threadIncrements: integer('Increments per thread (2 threads).', {
      default: 500_000,
      min: 1,
      max: 5_000_000,
    }),
    processIncrements: clusterIncrements('Increments per cluster worker (2 workers).'),
  },
  async run(o) {
    const loopExpected = o.loopTasks * o.loopIncrements;
    const threadExpected = 2 * o.threadIncrements;
    const rows: Row[] = [
      {
        model: 'event loop, tasks',
        guard: 'none',
        expected: loopExpected,
        actual: await loopCounter(o.loopTasks, o.loopIncrements),
      },
      {
        model: 'event loop, tasks',
        guard: 'Mutex',
        expected: loopExpected,
        actual: await loopCounter(o.loopTasks, o.loopIncrements, new Mutex()),
      },
      {
        model: '2 worker threads',
        guard: 'none',
        expected: threadExpected,
        actual: await threadCounter('unsafe', o.threadIncrements),
      },
      {
        model: '2 worker threads',
        guard: 'SharedMutex',
        expected: threadExpected,
        actual: await threadCounter('mutex', o.threadIncrements),
      },
      {
        model: '2 worker threads',
        guard: 'Atomics.add',
        expected: threadExpected,
        actual: await threadCounter('atomic', o.threadIncrements),
      },
    ];
    for (const [mode, guard] of [
      ['get-then-set', 'none'],
      ['increment', 'atomic message'],
    ] as const) {
      const run = await runClusterCounter(mode, 2, o.processIncrements);
      rows.push({ model: '2 cluster workers', guard, expected: run.expected, actual: run.actual });
    }
    const lost = rows.map((r) => r.expected - r.actual);
    return {
      figures: {
        ...o,
        runs: rows.map((r, i) => ({ ...r, lost: lost[i] as number })),
      },
      table: {
        header: ['model', 'guarded by', 'expected', 'counted', 'lost updates'],
        align: ['left', 'left', 'right', 'right', 'right'],
        rows: rows.map((r, i) => [
          r.model,
          r.guard,
          int(r.expected),
          int(r.actual),
          int(lost[i] as number),
        ]),
      },
      notes: [
        'One event loop runs one task at a time, yet an await between the read and the write lets the other tasks in: the race is not only for threads.',
        'Processes share no memory, so their race is on state kept elsewhere (here the cluster primary; a database, a file): two requests where one step was needed (see manager).',
      ],
      verdict: judge(rows),
    };
  },
});

/**
 * The race lesson's verdict from the counted rows: exported for its unit test, which hands it
 * made-up counts. It holds when every unguarded counter lost at least one update and no guarded
 * one lost or gained any: an unguarded counter that lost none showed no race in this run.
 */
export function judge(rows: readonly Row[]): Verdict {
  const lost = (r: Row) => r.expected - r.actual;
  const unsafe = rows.filter((r) => r.guard === 'none');
  const guarded = rows.filter((r) => r.guard !== 'none');
  const raceless = unsafe.filter((r) => lost(r) <= 0).map((r) => r.model);
  const broken = guarded.filter((r) => lost(r) !== 0).map((r) => `${r.model} with ${r.guard}`);
  const holds = raceless.length === 0 && broken.length === 0;
  return holds
    ? { holds, why: 'every unguarded counter lost updates and no guarded one did' }
    : raceless.length > 0
      ? { holds, why: `no update was lost by ${raceless.join(', ')} in this run` }
      : { holds, why: `updates were lost by ${broken.join(', ')}` };
}
