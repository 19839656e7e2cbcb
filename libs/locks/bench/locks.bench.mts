/**
 * Benchmark of the locks, run with `node bench/locks.bench.mts` (Node 24 strips the types)
 * against the BUILT library: build first (`nx bench locks` does).
 *
 * Machines are shared and noisy, so every figure is a ratio to a baseline measured in the
 * same run, in interleaved rounds (each case right after its baselines), reporting medians:
 *
 * - in-loop Mutex and Semaphore, uncontended (one task) and contended (many tasks queueing):
 *   acquire/release per second against async-mutex and async-sema, as "x faster baseline"
 *   (our ops/s over the better of the two; the target is >= 1.0);
 * - SharedMutex across 2 worker threads against `Atomics.add` on the same kind of counter
 *   (what a lock costs over the cheapest correct shared increment), and uncontended in 1 thread;
 * - SharedSemaphore with 1 permit, unbounded and bounded, across the same 2 threads, against
 *   the same `Atomics.add` and against SharedMutex (a semaphore's waiters queue under an inner
 *   guard and sleep at once, where the mutex's poll first: it pays more per hand-off).
 *
 * This file is also the worker entry: the threads run `threadLoop` below.
 */
import { median, spreadPercent } from '@concurrency-lab/report-kit';
import { Mutex as AsyncMutex, Semaphore as AsyncMutexSemaphore } from 'async-mutex';
import { Sema } from 'async-sema';
import { createRequire } from 'node:module';
import { isMainThread, parentPort, Worker } from 'node:worker_threads';
import type * as Locks from '../src/index.js';

// The built CommonJS entry (dist/), which is what is measured; types come from the sources.
const locks = createRequire(import.meta.url)('../dist/index.js') as typeof Locks;

const ROUNDS = 7;
const CASE_MS = 150;

// ---------------------------------------------------------------------------------------------
// In-loop cases: one "op" = one acquire + one release.

type Lane = (iterations: number) => Promise<void>;

interface LoopCase {
  readonly label: string;
  /** Builds fresh lanes over a fresh lock; `lanes` tasks run concurrently. */
  readonly make: () => Lane;
}

function ourMutex(): Lane {
  const mutex = new locks.Mutex();
  return async (n) => {
    for (let i = 0; i < n; i++) (await mutex.acquire()).unlock();
  };
}

function asyncMutexMutex(): Lane {
  const mutex = new AsyncMutex();
  return async (n) => {
    for (let i = 0; i < n; i++) (await mutex.acquire())();
  };
}

function ourSemaphore(permits: number): () => Lane {
  return () => {
    const semaphore = new locks.Semaphore({ permits });
    return async (n) => {
      for (let i = 0; i < n; i++) (await semaphore.acquire()).unlock();
    };
  };
}

function asyncMutexSemaphore(permits: number): () => Lane {
  return () => {
    const semaphore = new AsyncMutexSemaphore(permits);
    return async (n) => {
      for (let i = 0; i < n; i++) (await semaphore.acquire())[1]();
    };
  };
}

function asyncSema(permits: number): () => Lane {
  return () => {
    const sema = new Sema(permits);
    return async (n) => {
      for (let i = 0; i < n; i++) {
        await sema.acquire();
        sema.release();
      }
    };
  };
}

/** Ops per second of `lanes` concurrent lanes over one lock, for at least CASE_MS. */
async function loopOpsPerSecond(
  make: () => Lane,
  lanes: number,
  durationMs: number,
): Promise<number> {
  const batch = 2000;
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    const lane = make();
    await Promise.all(Array.from({ length: lanes }, () => lane(batch)));
    ops += batch * lanes;
    elapsed = performance.now() - start;
  }
  return (ops * 1000) / elapsed;
}

interface Comparison {
  readonly title: string;
  readonly lanes: number;
  readonly ours: LoopCase;
  readonly baselines: readonly LoopCase[];
}

const CONTENDED_LANES = 8;
const SEMAPHORE_PERMITS = 4;
const SEMAPHORE_LANES = 16;

const comparisons: Comparison[] = [
  {
    title: 'Mutex, uncontended (1 task)',
    lanes: 1,
    ours: { label: 'locks Mutex', make: ourMutex },
    baselines: [
      { label: 'async-mutex Mutex', make: asyncMutexMutex },
      { label: 'async-sema Sema(1)', make: asyncSema(1) },
    ],
  },
  {
    title: `Mutex, contended (${CONTENDED_LANES} tasks)`,
    lanes: CONTENDED_LANES,
    ours: { label: 'locks Mutex', make: ourMutex },
    baselines: [
      { label: 'async-mutex Mutex', make: asyncMutexMutex },
      { label: 'async-sema Sema(1)', make: asyncSema(1) },
    ],
  },
  {
    title: `Semaphore(${SEMAPHORE_PERMITS}), uncontended (1 task)`,
    lanes: 1,
    ours: { label: 'locks Semaphore', make: ourSemaphore(SEMAPHORE_PERMITS) },
    baselines: [
      { label: 'async-mutex Semaphore', make: asyncMutexSemaphore(SEMAPHORE_PERMITS) },
      { label: 'async-sema Sema', make: asyncSema(SEMAPHORE_PERMITS) },
    ],
  },
  {
    title: `Semaphore(${SEMAPHORE_PERMITS}), contended (${SEMAPHORE_LANES} tasks)`,
    lanes: SEMAPHORE_LANES,
    ours: { label: 'locks Semaphore', make: ourSemaphore(SEMAPHORE_PERMITS) },
    baselines: [
      { label: 'async-mutex Semaphore', make: asyncMutexSemaphore(SEMAPHORE_PERMITS) },
      { label: 'async-sema Sema', make: asyncSema(SEMAPHORE_PERMITS) },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// Cross-thread cases, run by worker threads that meet at a spinning start line.

type ThreadMode = 'atomics-add' | 'shared-mutex' | 'semaphore' | 'bounded-semaphore';

interface ThreadJob {
  readonly mode: ThreadMode;
  readonly iterations: number;
  readonly parties: number;
  readonly start: SharedArrayBuffer;
  readonly counter: SharedArrayBuffer;
  readonly mutex: Locks.SharedMutexHandle;
  readonly semaphore: Locks.SharedSemaphoreHandle;
}

function threadLoop(job: ThreadJob): number {
  const counter = new Int32Array(job.counter);
  const line = new Int32Array(job.start);
  const mutex = locks.SharedMutex.from(job.mutex);
  const semaphore = locks.SharedSemaphore.from(job.semaphore);
  // Either lock hands out a token whose unlock() releases it: the loop below is the same.
  const lock = job.mode === 'shared-mutex' ? mutex : semaphore;
  Atomics.add(line, 0, 1);
  while (Atomics.load(line, 0) < job.parties); // spin: all threads start together
  const start = performance.now();
  if (job.mode === 'atomics-add') {
    for (let i = 0; i < job.iterations; i++) Atomics.add(counter, 0, 1);
  } else {
    for (let i = 0; i < job.iterations; i++) {
      const token = lock.acquireSync();
      counter[0] = (counter[0] as number) + 1; // plain read-modify-write: the lock makes it safe
      token.unlock();
    }
  }
  return performance.now() - start;
}

if (!isMainThread) {
  parentPort?.on('message', (job: ThreadJob) => parentPort?.postMessage(threadLoop(job)));
}

async function threadOpsPerSecond(
  workers: readonly Worker[],
  mode: ThreadMode,
  iterations: number,
): Promise<{ opsPerSec: number; exact: boolean }> {
  const job: ThreadJob = {
    mode,
    iterations,
    parties: workers.length,
    start: new SharedArrayBuffer(4),
    counter: new SharedArrayBuffer(4),
    mutex: new locks.SharedMutex().handle,
    semaphore: new locks.SharedSemaphore({ permits: 1, bounded: mode === 'bounded-semaphore' })
      .handle,
  };
  const times = await Promise.all(
    workers.map(
      (worker) =>
        new Promise<number>((resolve, reject) => {
          const onError = (error: Error): void => reject(error);
          worker.once('error', onError);
          worker.once('message', (elapsedMs: number) => {
            worker.off('error', onError);
            resolve(elapsedMs);
          });
          worker.postMessage(job);
        }),
    ),
  );
  const total = new Int32Array(job.counter)[0];
  return {
    opsPerSec: (iterations * workers.length * 1000) / Math.max(...times),
    exact: total === iterations * workers.length,
  };
}

// ---------------------------------------------------------------------------------------------

const fmt = (value: number, digits = 0): string =>
  value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const row = (...cells: [string, number][]): string =>
  cells.map(([text, width], i) => (i === 0 ? text.padEnd(width) : text.padStart(width))).join('');

async function main(): Promise<void> {
  console.log(
    `locks bench - node ${process.version} ${process.platform}/${process.arch}, ` +
      `${ROUNDS} interleaved rounds of ${CASE_MS} ms per case, medians`,
  );

  // Warm every path, so JIT tiering happens before anything is timed.
  for (const { ours, baselines, lanes } of comparisons) {
    for (const { make } of [ours, ...baselines]) await loopOpsPerSecond(make, lanes, 50);
  }

  console.log('\nIn-loop acquire + release per second (one event loop)');
  console.log(row(['case', 46], ['ops/s', 13], ['spread', 8], ['x faster baseline', 19]));
  const verdicts: string[] = [];
  for (const comparison of comparisons) {
    const all = [comparison.ours, ...comparison.baselines];
    const runs = all.map(() => [] as number[]);
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const measured: number[] = [];
      for (const [i, { make }] of all.entries()) {
        const opsPerSec = await loopOpsPerSecond(make, comparison.lanes, CASE_MS);
        runs[i]?.push(opsPerSec);
        measured.push(opsPerSec);
      }
      ratios.push((measured[0] as number) / Math.max(...measured.slice(1)));
    }
    console.log(`${comparison.title}`);
    for (const [i, { label }] of all.entries()) {
      const values = runs[i] as number[];
      console.log(
        row(
          [`  ${label}`, 46],
          [fmt(median(values)), 13],
          [spreadPercent(values), 8],
          [i === 0 ? `${fmt(median(ratios), 2)}x` : '', 19],
        ),
      );
    }
    verdicts.push(`${comparison.title}: ${fmt(median(ratios), 2)}x the faster of the two`);
  }

  console.log('\nSharedMutex (worker threads, acquireSync + plain increment + unlock)');
  const threadRuns = {
    two: [] as number[],
    twoAdd: [] as number[],
    one: [] as number[],
    oneAdd: [] as number[],
    semaphore: [] as number[],
    bounded: [] as number[],
  };
  let exact = true;
  const spawn = (count: number): Worker[] =>
    Array.from({ length: count }, () => new Worker(new URL(import.meta.url)));
  const pairs = spawn(2);
  const single = spawn(1);
  try {
    await threadOpsPerSecond(pairs, 'shared-mutex', 50_000); // warm-up
    await threadOpsPerSecond(single, 'shared-mutex', 50_000);
    await threadOpsPerSecond(pairs, 'semaphore', 50_000);
    await threadOpsPerSecond(pairs, 'bounded-semaphore', 50_000);
    for (let round = 0; round < ROUNDS; round++) {
      const add2 = await threadOpsPerSecond(pairs, 'atomics-add', 2_000_000);
      const lock2 = await threadOpsPerSecond(pairs, 'shared-mutex', 200_000);
      const add1 = await threadOpsPerSecond(single, 'atomics-add', 2_000_000);
      const lock1 = await threadOpsPerSecond(single, 'shared-mutex', 500_000);
      // The two semaphores differ only in their cap: alternate which runs first, so neither
      // always runs in the other's wake.
      const semaphores = ['semaphore', 'bounded-semaphore'] as const;
      const [first, second] = round % 2 === 0 ? semaphores : [...semaphores].reverse();
      const firstRun = await threadOpsPerSecond(pairs, first, 100_000);
      const secondRun = await threadOpsPerSecond(pairs, second, 100_000);
      const [sem2, bounded2] = round % 2 === 0 ? [firstRun, secondRun] : [secondRun, firstRun];
      exact &&= [add2, lock2, add1, lock1, sem2, bounded2].every((run) => run.exact);
      threadRuns.semaphore.push(sem2.opsPerSec);
      threadRuns.bounded.push(bounded2.opsPerSec);
      threadRuns.twoAdd.push(add2.opsPerSec);
      threadRuns.two.push(lock2.opsPerSec);
      threadRuns.oneAdd.push(add1.opsPerSec);
      threadRuns.one.push(lock1.opsPerSec);
    }
  } finally {
    await Promise.all([...pairs, ...single].map((worker) => worker.terminate()));
  }
  console.log(row(['case', 46], ['ops/s', 13], ['spread', 8], ['x Atomics.add', 19]));
  const threadRow = (label: string, values: number[], baseline: number[]): void => {
    console.log(
      row(
        [label, 46],
        [fmt(median(values)), 13],
        [spreadPercent(values), 8],
        [`${fmt(median(values) / median(baseline), 3)}x`, 19],
      ),
    );
  };
  threadRow('  Atomics.add, 2 threads', threadRuns.twoAdd, threadRuns.twoAdd);
  threadRow('  SharedMutex, 2 threads (contended)', threadRuns.two, threadRuns.twoAdd);
  threadRow('  Atomics.add, 1 thread', threadRuns.oneAdd, threadRuns.oneAdd);
  threadRow('  SharedMutex, 1 thread (uncontended)', threadRuns.one, threadRuns.oneAdd);
  threadRow('  SharedSemaphore(1), 2 threads', threadRuns.semaphore, threadRuns.twoAdd);
  threadRow('  SharedSemaphore(1, bounded), 2 threads', threadRuns.bounded, threadRuns.twoAdd);
  console.log(
    `  SharedSemaphore(1) / SharedMutex, 2 threads: ` +
      `${fmt(median(threadRuns.semaphore) / median(threadRuns.two), 2)}x unbounded, ` +
      `${fmt(median(threadRuns.bounded) / median(threadRuns.two), 2)}x bounded`,
  );
  console.log(`  every counter ended exact: ${exact}`);

  console.log('\nSummary (target: >= 1.00x the faster of async-mutex / async-sema)');
  for (const verdict of verdicts) console.log(`  ${verdict}`);
}

if (isMainThread) await main();
