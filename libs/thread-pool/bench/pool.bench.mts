/**
 * What the pool costs and what it buys, in-process (no HTTP), one run, as ratios:
 * - dispatch overhead: fib(5) through the pool vs inline (cost of a hop to a thread and back);
 * - image transfer: a 256×256 sharpen through the pool vs inline (moved buffers, no copies);
 * - our overhead: both of those through ThreadPoolRunner vs through bare piscina (the anchor:
 *   the same 2 threads, a hand-written worker, no protocol) in the same run;
 * - parallel speedup: fib(30) × 40 tasks on a 2-thread pool vs on a 1-thread pool.
 *
 *   node bench/pool.bench.mts          (after `npm run build`)
 */
import { encodePng, generateTestImage, runCpuTask, type CpuTask } from '@concurrency-lab/workloads';
import { median, medianAndRange, recordTable } from '@concurrency-lab/report-kit';
import { Piscina } from 'piscina';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);
const dist = join(import.meta.dirname, '..', 'dist');
const { ThreadPoolRunner } = require(
  join(dist, 'thread-pool-runner.js'),
) as typeof import('../src/thread-pool-runner.ts');
const { SharedCounterCell } = require(
  join(dist, 'shared-counter.js'),
) as typeof import('../src/shared-counter.ts');

const signal = new AbortController().signal;
const pool = (workers: number) =>
  new ThreadPoolRunner({
    filename: join(dist, 'pool-worker.js'),
    workers,
    maxQueue: 10_000,
    workerData: { counter: new SharedCounterCell().buffer },
  });

async function opsPerSecond(
  run: () => Promise<unknown>,
  tasks: number,
  concurrency: number,
): Promise<number> {
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < tasks) await run();
    }),
  );
  return (tasks / (performance.now() - started)) * 1000;
}

const png = encodePng(generateTestImage(256));
const filterTask = (): CpuTask => ({ kind: 'filter', filter: 'sharpen', png: new Uint8Array(png) });

/** The anchor: bare piscina on the same thread count, tasks moved in as the runner moves them. */
const bare = new Piscina({
  filename: join(import.meta.dirname, 'bare-worker.mjs'),
  minThreads: 2,
  maxThreads: 2,
});
const bareRun = (task: CpuTask) =>
  bare.run(task, task.kind === 'filter' ? { transferList: [task.png.buffer as ArrayBuffer] } : {});

const two = pool(2);
const one = pool(1);
try {
  await opsPerSecond(() => two.run({ kind: 'fib', n: 20 }, { signal }), 200, 4); // warm-up
  await opsPerSecond(() => one.run({ kind: 'fib', n: 20 }, { signal }), 100, 2);
  await opsPerSecond(() => bareRun({ kind: 'fib', n: 20 }), 200, 4);
  const inlineFib = await opsPerSecond(async () => runCpuTask({ kind: 'fib', n: 5 }), 20_000, 1);
  const pooledFib = await opsPerSecond(
    () => two.run({ kind: 'fib', n: 5 }, { signal }),
    20_000,
    16,
  );
  const inlineImg = await opsPerSecond(async () => runCpuTask(filterTask()), 100, 1);
  const pooledImg = await opsPerSecond(() => two.run(filterTask(), { signal }), 200, 4);
  // Runner and anchor in interleaved pairs, the order flipped each round, so load that comes and
  // goes on a shared machine falls on both; the median pair counts.
  const pairs = async (
    ours: () => Promise<unknown>,
    anchor: () => Promise<unknown>,
    tasks: number,
    concurrency: number,
  ) => {
    const ratios: number[] = [];
    const anchorRates: number[] = [];
    for (let round = 0; round < 5; round++) {
      // Flipped each round: what runs second meets the load the first left behind.
      const flipped = round % 2 === 1;
      const first = await opsPerSecond(flipped ? anchor : ours, tasks, concurrency);
      const second = await opsPerSecond(flipped ? ours : anchor, tasks, concurrency);
      const [o, a] = flipped ? [second, first] : [first, second];
      ratios.push(o / a);
      anchorRates.push(a);
    }
    return { anchor: median(anchorRates), ratios };
  };
  const fibPairs = await pairs(
    () => two.run({ kind: 'fib', n: 5 }, { signal }),
    () => bareRun({ kind: 'fib', n: 5 }),
    20_000,
    16,
  );
  const imgPairs = await pairs(
    () => two.run(filterTask(), { signal }),
    () => bareRun(filterTask()),
    200,
    4,
  );
  const oneThread = await opsPerSecond(() => one.run({ kind: 'fib', n: 30 }, { signal }), 40, 4);
  const twoThreads = await opsPerSecond(() => two.run({ kind: 'fib', n: 30 }, { signal }), 40, 4);
  console.log(`thread pool, Node ${process.version}`);
  console.log(
    recordTable([
      { case: 'fib(5) inline (baseline)', 'ops/s': Math.round(inlineFib), ratio: '1.00×' },
      {
        case: 'fib(5) via 2-thread pool',
        'ops/s': Math.round(pooledFib),
        ratio: `${(pooledFib / inlineFib).toFixed(3)}×`,
      },
      { case: 'sharpen 256² inline (baseline)', 'ops/s': Math.round(inlineImg), ratio: '1.00×' },
      {
        case: 'sharpen 256² via 2-thread pool',
        'ops/s': Math.round(pooledImg),
        ratio: `${(pooledImg / inlineImg).toFixed(2)}×`,
      },
      {
        case: 'fib(5) via bare piscina, 2 threads (anchor)',
        'ops/s': Math.round(fibPairs.anchor),
        ratio: '1.00×',
      },
      {
        case: 'fib(5): our pool ÷ anchor, median of 5 pairs',
        'ops/s': '',
        ratio: `${medianAndRange(fibPairs.ratios, 2)}×`,
      },
      {
        case: 'sharpen 256² via bare piscina (anchor)',
        'ops/s': Math.round(imgPairs.anchor),
        ratio: '1.00×',
      },
      {
        case: 'sharpen 256²: our pool ÷ anchor, median of 5',
        'ops/s': '',
        ratio: `${medianAndRange(imgPairs.ratios, 2)}×`,
      },
      {
        case: 'fib(30) on 1-thread pool (baseline)',
        'ops/s': oneThread.toFixed(1),
        ratio: '1.00×',
      },
      {
        case: 'fib(30) on 2-thread pool',
        'ops/s': twoThreads.toFixed(1),
        ratio: `${(twoThreads / oneThread).toFixed(2)}×`,
      },
    ]),
  );
} finally {
  await Promise.all([one.close(), two.close(), bare.close()]);
}
