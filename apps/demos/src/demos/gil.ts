import { ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from '@concurrency-lab/executors';
import { fib } from '@concurrency-lab/workloads';
import { defineDemo } from '../demo';
import { integer } from '../knobs';
import { entryPath } from '../entry-path';
import { fixed, times } from '../format';
import { busyCores, cpuPerWall, loadNote, needingCores } from '../machine';
import { median } from '@concurrency-lab/report-kit';
import { best, medianRatio, ratiosPerRound } from '../measure/stats';
import { warmUp } from '../fib-pool-warm-up';
import { runnerOf, type FibResult } from '../workers/cpu-tasks';

/** The speedup 2 threads must reach over 1 for the lesson: well clear of 1×, below the ideal 2×. */
export const PARALLEL_SPEEDUP = 1.5;

/**
 * What the 2-thread runs' CPU-seconds per second say, by the verdict's own measure: at least
 * PARALLEL_SPEEDUP, the threads ran at the same time; under it, too little CPU reached them for
 * the speedup asked, whatever above 1 they got — which the verdict then calls cores busy.
 */
export function cpuNote(twoThreadCpuPerWall: number): string {
  const burnt = `The 2-thread runs burnt ${fixed(twoThreadCpuPerWall, 2)} CPU-seconds per second`;
  return twoThreadCpuPerWall >= PARALLEL_SPEEDUP
    ? `${burnt}: at least the ${PARALLEL_SPEEDUP} cores' worth a ${times(PARALLEL_SPEEDUP)} speedup needs, so its threads ran at the same time (Python's GIL keeps this near 1).`
    : `${burnt}: under the ${PARALLEL_SPEEDUP} cores' worth a ${times(PARALLEL_SPEEDUP)} speedup needs, so other jobs had the cores.`;
}

/** What the verdict reads of a run. */
export interface GilFigures {
  /** The median within-round speedup of 2 threads over 1. */
  threadSpeedup: number;
  /** CPU-seconds this process burnt per wall second in the 2-thread runs. */
  twoThreadCpuPerWall: number;
  wrongResults: number;
}

/**
 * The lesson holds when 2 threads ran PARALLEL_SPEEDUP faster than 1 and burnt the CPU that
 * takes: a ratio of times alone also rewards what is not parallel computing (with fib(1) a run
 * is ~1 ms of messages to the pool, and "2.13×" came with 1.33 CPU-seconds per second).
 * Exported for its unit test, which tries each branch. A NaN figure fails every comparison.
 */
export function gilVerdict({ threadSpeedup, twoThreadCpuPerWall, wrongResults }: GilFigures): {
  holds: boolean;
  why: string;
} {
  if (wrongResults > 0) return { holds: false, why: `${wrongResults} results were wrong` };
  const faster = threadSpeedup >= PARALLEL_SPEEDUP;
  const together = twoThreadCpuPerWall >= PARALLEL_SPEEDUP;
  if (faster && together)
    return {
      holds: true,
      why: `2 threads ran ${times(threadSpeedup)} faster than 1, burning ${fixed(twoThreadCpuPerWall, 2)} CPU-seconds per second`,
    };
  if (faster)
    return {
      holds: false,
      why: `2 threads were ${times(threadSpeedup)} 1 thread but burnt only ${fixed(twoThreadCpuPerWall, 2)} CPU-seconds per second, under the ${PARALLEL_SPEEDUP} of threads computing at the same time: the speedup was not theirs (${loadNote()})`,
    };
  if (twoThreadCpuPerWall < PARALLEL_SPEEDUP)
    return { holds: false, why: busyCores(twoThreadCpuPerWall) };
  return {
    holds: false,
    why: `2 threads were ${times(threadSpeedup)} 1 thread, under ${times(PARALLEL_SPEEDUP)} (${loadNote()})`,
  };
}

async function runAll(pool: Executor, n: number, tasks: number): Promise<FibResult[]> {
  const results: FibResult[] = [];
  for await (const r of pool.map<FibResult>(Array<number>(tasks).fill(n), { name: 'fib' }))
    results.push(r);
  return results;
}

export const gil = defineDemo({
  name: 'gil',
  mirrors: 'Threads vs processes: the GIL and CPU-bound work',
  describe:
    'CPU work on 1 worker thread, 2 worker threads and 2 processes. Python threads share one interpreter lock, so the guide sends CPU work to processes; each Node worker thread runs its own isolate, so 2 threads run in parallel like 2 processes.',
  knobs: {
    // fib grows ×1.6 a step: 34 is ~70 ms a task (the whole demo 13 s here); 40 is over a
    // second a task. From 25, ~1 ms a task: below, a task is about as short as the messages
    // that carry it to the pool and back, and a run times those (fib(1) gave "2.13×" from ~1 ms
    // runs, and 2 threads burning 1.63 CPU-seconds per second while 0.72× as fast as 1).
    n: integer('fib(n) per task: ~10 ms at 30 on a free core.', { default: 30, min: 25, max: 34 }),
    // Each run is a pool's whole batch; 64 tasks × 15 rounds × 3 pools stays in minutes. From 2:
    // one task runs on one thread whatever the pool, so 2 threads could not beat 1.
    tasks: integer('Tasks per run, spread over the pool.', { default: 8, min: 2, max: 64 }),
    // Rounds alternate the order (1 thread, 2 threads, 2 processes, then backwards) and the
    // median speedup of a round counts, so load that comes and goes between rounds cancels out.
    rounds: integer('Rounds of one run per pool; the median counts.', {
      default: 7,
      min: 1,
      max: 15,
    }),
  },
  run: needingCores(2, async ({ n, tasks, rounds }) => {
    const filename = entryPath('cpu-tasks');
    await using one = new ThreadPoolExecutor({ filename, maxWorkers: 1 });
    await using two = new ThreadPoolExecutor({ filename, maxWorkers: 2 });
    await using procs = new ProcessPoolExecutor({ filename, maxWorkers: 2 });
    const cases = [
      { label: '1 worker thread', pool: one },
      { label: '2 worker threads', pool: two },
      { label: '2 processes', pool: procs },
    ];
    // Warm-up: every worker loads the task module before anything is timed, and has answered
    // once — a process pool hands tasks to whichever child is up, so a child still forking
    // would otherwise sit out the short timed runs (and the 2-process pool run on one).
    for (const { pool } of cases) await warmUp(pool);

    const expected = fib(n);
    const wall = cases.map(() => [] as number[]);
    const cpu = cases.map(() => [] as number[]);
    const runners = cases.map(() => new Set<string>());
    let wrong = 0;
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [0, 1, 2] : [2, 1, 0];
      for (const i of order) {
        const { pool } = cases[i] as (typeof cases)[number];
        const { value: results, ms, cpuMs } = await cpuPerWall(() => runAll(pool, n, tasks));
        wall[i]?.push(ms);
        cpu[i]?.push(cpuMs);
        for (const r of results) {
          runners[i]?.add(runnerOf(r));
          if (r.value !== expected) wrong++;
        }
      }
    }
    const [one1 = [], two2 = [], proc2 = []] = wall;
    const speedups = (of: number[]) => ratiosPerRound(one1, of);
    const threadSpeedup = medianRatio(one1, two2);
    const processSpeedup = medianRatio(one1, proc2);
    const medianMs = wall.map(median);
    // CPU seconds this process burnt per wall second in the 2-thread runs: > 1 only if its
    // threads ran at the same time (a GIL would hold it near 1). Processes burn theirs elsewhere.
    const twoThreadCpuPerWall =
      (cpu[1] ?? []).reduce((a, b) => a + b, 0) / (wall[1] ?? []).reduce((a, b) => a + b, 0);
    return {
      figures: {
        n,
        tasks,
        rounds,
        ms: { oneThread: one1, twoThreads: two2, twoProcesses: proc2 },
        speedupsPerRound: { twoThreads: speedups(two2), twoProcesses: speedups(proc2) },
        threadSpeedup,
        processSpeedup,
        twoThreadCpuPerWall,
        runners: runners.map((r) => r.size),
        wrongResults: wrong,
      },
      table: {
        header: ['runs on', 'runners', 'median ms', 'fastest', 'slowest', 'vs 1 thread'],
        align: ['left', 'right', 'right', 'right', 'right', 'right'],
        rows: cases.map(({ label }, i) => [
          label,
          String(runners[i]?.size ?? 0),
          fixed(medianMs[i] ?? NaN, 0),
          fixed(best(wall[i] ?? []), 0),
          fixed(Math.max(...(wall[i] ?? [])), 0),
          times([1, threadSpeedup, processSpeedup][i] ?? NaN),
        ]),
      },
      notes: [
        `${tasks} × fib(${n}) per run; "vs 1 thread" is the median over ${rounds} rounds of the speedup within a round (${loadNote()}).`,
        cpuNote(twoThreadCpuPerWall),
        'In Node, CPU-bound work goes to threads or processes; a process pays for copying its arguments and results (see pool-map, shared-memory).',
      ],
      verdict: gilVerdict({ threadSpeedup, twoThreadCpuPerWall, wrongResults: wrong }),
    };
  }),
});
