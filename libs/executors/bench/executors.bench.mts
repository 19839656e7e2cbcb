/**
 * Benchmark of the executors, run with `node bench/executors.bench.mts` (Node 24 strips the
 * types) against the BUILT library: build first (`nx bench executors` does).
 *
 * Machines are shared and noisy, so every figure is read against another measured in the same
 * run, in interleaved rounds (each case after the others, round after round), as medians with
 * the spread (min–max) of the rounds:
 *
 * 1. Dispatch cost: µs per no-op task, `WINDOW` tasks in flight on 2 workers — our
 *    ThreadPoolExecutor against bare piscina, our ProcessPoolExecutor against bare tinypool
 *    (`runtime: 'child_process'`, advanced serialization), processes against threads,
 *    `map` with chunksize 1 vs 16 (the round trips a chunk saves, dear on processes), and
 *    threads `map` over an async generator against the same items in an array.
 * 2. Throughput: sequential round trips of a Uint8Array (task returns it), 1 KiB … 16 MiB:
 *    threads copying, threads transferring both ways, processes (always copied; the bytes go
 *    through the IPC pipe and v8's serializer both ways), and bare tinypool as an anchor.
 *    MiB/s counts each payload once per round trip.
 * 3. Recycling children (`maxTasksPerChild`): µs per no-op task when every child is retired
 *    after 1 or 16 tasks, against children that live as long as the pool, with bare tinypool's
 *    `isolateWorkers` (a fresh child per task, what maxTasksPerChild 1 is) as the anchor.
 */
import { median, medianAndRange, range, recordTable } from '@concurrency-lab/report-kit';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import Tinypool from 'tinypool';
import type * as Executors from '../src/index.js';

const require = createRequire(import.meta.url);
const { ThreadPoolExecutor, ProcessPoolExecutor } = require('../dist/index.js') as typeof Executors;
const { Piscina } = require('piscina') as typeof import('piscina');

const TASKS = fileURLToPath(new URL('./tasks.cjs', import.meta.url));
const WORKERS = 2;
const WINDOW = 2 * WORKERS;
const ROUNDS = Number(process.env['BENCH_ROUNDS'] ?? 5);
const KiB = 1024;
const MiB = 1024 * KiB;

type Run = (payload: unknown, transfer?: ArrayBuffer) => Promise<unknown>;

// ---------------------------------------------------------------------------------------------
// The contenders, each started once and reused across rounds (warm workers).

const piscina = new Piscina({ filename: TASKS, minThreads: WORKERS, maxThreads: WORKERS });
const tinypool = new Tinypool({
  filename: TASKS,
  runtime: 'child_process',
  minThreads: WORKERS,
  maxThreads: WORKERS,
  serialization: 'advanced',
});
const threads = new ThreadPoolExecutor({ filename: TASKS, maxWorkers: WORKERS });
const processes = new ProcessPoolExecutor({ filename: TASKS, maxWorkers: WORKERS });

const runners = {
  piscina:
    (name: string): Run =>
    (payload, transfer) =>
      piscina.run(payload, { name, ...(transfer ? { transferList: [transfer] } : {}) }),
  tinypool:
    (name: string): Run =>
    (payload) =>
      tinypool.run(payload, { name }),
  threads:
    (name: string): Run =>
    (payload, transfer) =>
      threads.submit(payload, { name, ...(transfer ? { transferList: [transfer] } : {}) }).result(),
  processes:
    (name: string): Run =>
    (payload) =>
      processes.submit(payload, { name }).result(),
};

// ---------------------------------------------------------------------------------------------
// Measurement helpers.

/** µs per task for `count` no-op tasks, `WINDOW` in flight. */
async function dispatchMicros(run: Run, count: number): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: WINDOW }, async () => {
      while (next++ < count) await run(null);
    }),
  );
  return ((performance.now() - started) * 1000) / count;
}

/** The numbers below `count`, one at a time, as an async input (a stream, a paged API) is. */
async function* counting(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i++) yield i;
}

/** µs per item for `map` over `count` items, an array's or (`async`) an async generator's. */
async function mapMicros(
  executor: Executors.Executor,
  count: number,
  chunksize: number,
  input: 'array' | 'async' = 'array',
): Promise<number> {
  const items = input === 'async' ? counting(count) : Array.from({ length: count }, (_, i) => i);
  const started = performance.now();
  let seen = 0;
  for await (const item of executor.map(items, { name: 'identity', chunksize })) {
    if (item !== seen++) throw new Error(`map yielded ${String(item)} at ${seen - 1}`);
  }
  if (seen !== count) throw new Error(`map yielded ${seen} of ${count}`);
  return ((performance.now() - started) * 1000) / count;
}

/** MiB/s of sequential round trips of a `size`-byte Uint8Array. */
async function roundTripMiBps(run: Run, size: number, reps: number, transfer: boolean) {
  let bytes: Uint8Array = new Uint8Array(size).fill(1);
  const started = performance.now();
  for (let i = 0; i < reps; i++) {
    const back = (await run(
      bytes,
      transfer ? (bytes.buffer as ArrayBuffer) : undefined,
    )) as Uint8Array;
    if (back.byteLength !== size)
      throw new Error(`got ${back.byteLength} bytes back, sent ${size}`);
    if (transfer) bytes = back; // ours again: the next send moves it
  }
  const seconds = (performance.now() - started) / 1000;
  return (size * reps) / MiB / seconds;
}

type Cases = Array<[string, () => Promise<number>]>;

/**
 * µs per task of each case, each case after the others, round after round (a first round not
 * counted when `warmUp`), printed as medians with their spread; answers the median of a case.
 */
async function microsTable(
  title: string,
  cases: Cases,
  { warmUp, digits }: { warmUp: boolean; digits: number },
): Promise<(name: string) => number> {
  const results = new Map<string, number[]>(cases.map(([name]) => [name, []]));
  if (warmUp) for (const [, measure] of cases) await measure();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, measure] of cases) results.get(name)?.push(await measure());
  }
  console.log(`\n${title}, ${WORKERS} workers, ${WINDOW} in flight, ${ROUNDS} rounds`);
  console.log(
    recordTable(
      cases.map(([name]) => ({
        case: name,
        'µs/task (median)': median(results.get(name) ?? []).toFixed(digits),
        'spread (µs)': range(results.get(name) ?? [], digits),
      })),
    ),
  );
  return (name) => median(results.get(name) ?? []);
}

// ---------------------------------------------------------------------------------------------
// 1. Dispatch cost.

const DISPATCH_CASES: Cases = [
  ['piscina (anchor)', () => dispatchMicros(runners.piscina('noop'), 4000)],
  ['ThreadPoolExecutor.submit', () => dispatchMicros(runners.threads('noop'), 4000)],
  ['tinypool child_process (anchor)', () => dispatchMicros(runners.tinypool('noop'), 1500)],
  ['ProcessPoolExecutor.submit', () => dispatchMicros(runners.processes('noop'), 1500)],
  ['ThreadPoolExecutor.map chunksize 1', () => mapMicros(threads, 4000, 1)],
  ['ThreadPoolExecutor.map chunksize 16', () => mapMicros(threads, 4000, 16)],
  ['ThreadPoolExecutor.map async input', () => mapMicros(threads, 4000, 1, 'async')],
  ['ProcessPoolExecutor.map chunksize 1', () => mapMicros(processes, 1500, 1)],
  ['ProcessPoolExecutor.map chunksize 16', () => mapMicros(processes, 1500, 16)],
];

const us = await microsTable('Dispatch cost: no-op tasks', DISPATCH_CASES, {
  warmUp: true,
  digits: 1,
});
console.log(
  recordTable([
    {
      ratio: 'ThreadPoolExecutor ÷ piscina (our overhead)',
      value: (us('ThreadPoolExecutor.submit') / us('piscina (anchor)')).toFixed(2),
    },
    {
      ratio: 'ProcessPoolExecutor ÷ tinypool (vs. the anchor)',
      value: (us('ProcessPoolExecutor.submit') / us('tinypool child_process (anchor)')).toFixed(2),
    },
    {
      ratio: 'processes ÷ threads (submit)',
      value: (us('ProcessPoolExecutor.submit') / us('ThreadPoolExecutor.submit')).toFixed(2),
    },
    {
      ratio: 'threads map: chunksize 1 ÷ 16',
      value: (
        us('ThreadPoolExecutor.map chunksize 1') / us('ThreadPoolExecutor.map chunksize 16')
      ).toFixed(2),
    },
    {
      // Each read of an async input waits against map's deadline, signal and return().
      ratio: 'threads map: async input ÷ array (chunksize 1)',
      value: (
        us('ThreadPoolExecutor.map async input') / us('ThreadPoolExecutor.map chunksize 1')
      ).toFixed(2),
    },
    {
      ratio: 'processes map: chunksize 1 ÷ 16',
      value: (
        us('ProcessPoolExecutor.map chunksize 1') / us('ProcessPoolExecutor.map chunksize 16')
      ).toFixed(2),
    },
  ]),
);

// ---------------------------------------------------------------------------------------------
// 2. Throughput by payload size.

const SIZES = [KiB, 64 * KiB, MiB, 16 * MiB];
const THROUGHPUT_ROUNDS = ROUNDS;
const reps = (size: number) => Math.min(300, Math.max(3, Math.round((16 * MiB) / size)));
const label = (size: number) => (size >= MiB ? `${size / MiB} MiB` : `${size / KiB} KiB`);

const THROUGHPUT_CASES: Array<[string, (size: number) => Promise<number>]> = [
  ['threads copy', (size) => roundTripMiBps(runners.threads('echo'), size, reps(size), false)],
  [
    'threads transfer',
    (size) => roundTripMiBps(runners.threads('echoTransfer'), size, reps(size), true),
  ],
  ['processes', (size) => roundTripMiBps(runners.processes('echo'), size, reps(size), false)],
  [
    'tinypool (anchor)',
    (size) => roundTripMiBps(runners.tinypool('echo'), size, reps(size), false),
  ],
];

const rows = [];
for (const size of SIZES) {
  const results = new Map<string, number[]>(THROUGHPUT_CASES.map(([name]) => [name, []]));
  for (let round = 0; round < THROUGHPUT_ROUNDS; round++) {
    for (const [name, measure] of THROUGHPUT_CASES) results.get(name)?.push(await measure(size));
  }
  const mid = (name: string) => median(results.get(name) ?? []);
  rows.push({
    payload: label(size),
    'threads copy MiB/s': medianAndRange(results.get('threads copy') ?? [], 0),
    'threads transfer MiB/s': medianAndRange(results.get('threads transfer') ?? [], 0),
    'processes MiB/s': medianAndRange(results.get('processes') ?? [], 0),
    'tinypool MiB/s': `${mid('tinypool (anchor)').toFixed(0)}`,
    'processes ÷ threads copy': (mid('processes') / mid('threads copy')).toFixed(3),
    'processes ÷ threads transfer': (mid('processes') / mid('threads transfer')).toFixed(3),
    'processes ÷ tinypool': (mid('processes') / mid('tinypool (anchor)')).toFixed(2),
  });
}
console.log(
  `\nRound-trip throughput of a Uint8Array (sequential, median of ${THROUGHPUT_ROUNDS} interleaved rounds, spread in brackets)`,
);
console.log(recordTable(rows));

// ---------------------------------------------------------------------------------------------
// 3. Recycling children: the fork and module load that maxTasksPerChild adds per N tasks.

const recycled = (maxTasksPerChild: number) =>
  new ProcessPoolExecutor({ filename: TASKS, maxWorkers: WORKERS, maxTasksPerChild });
const perTask = recycled(1);
const per16 = recycled(16);
const isolated = new Tinypool({
  filename: TASKS,
  runtime: 'child_process',
  minThreads: WORKERS,
  maxThreads: WORKERS,
  serialization: 'advanced',
  isolateWorkers: true,
});
const RECYCLE_CASES: Cases = [
  ['children for the pool’s life', () => dispatchMicros(runners.processes('noop'), 800)],
  [
    'maxTasksPerChild 16',
    () => dispatchMicros((p) => per16.submit(p, { name: 'noop' }).result(), 800),
  ],
  [
    'maxTasksPerChild 1',
    () => dispatchMicros((p) => perTask.submit(p, { name: 'noop' }).result(), 60),
  ],
  [
    'tinypool isolateWorkers (anchor)',
    () => dispatchMicros((p) => isolated.run(p, { name: 'noop' }), 60),
  ],
];
// Warmed up like the other sections: the recycled pools and tinypool are new here, and their
// first round would otherwise also pay for forking the pool's first children.
const recycleUs = await microsTable('Recycling children: no-op tasks', RECYCLE_CASES, {
  warmUp: true,
  digits: 0,
});
console.log(
  recordTable([
    {
      ratio: 'maxTasksPerChild 1 ÷ tinypool isolateWorkers (vs. the anchor)',
      value: (
        recycleUs('maxTasksPerChild 1') / recycleUs('tinypool isolateWorkers (anchor)')
      ).toFixed(2),
    },
    {
      ratio: 'maxTasksPerChild 16 ÷ children for the pool’s life',
      value: (recycleUs('maxTasksPerChild 16') / recycleUs('children for the pool’s life')).toFixed(
        2,
      ),
    },
  ]),
);

await Promise.all([
  perTask.shutdown(),
  per16.shutdown(),
  isolated.destroy(),
  threads.shutdown(),
  processes.shutdown(),
  piscina.destroy(),
  tinypool.destroy(),
]);
