import { ProcessPoolExecutor, ThreadPoolExecutor, type Executor } from '@concurrency-lab/executors';
import { median } from '@concurrency-lab/report-kit';
import { fib } from '@concurrency-lab/workloads';
import { Agent, get } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { threadId } from 'node:worker_threads';
import { defineDemo } from '../demo';
import { entryPath } from '../entry-path';
import { StepTimeoutError, WorkerFailedError } from '../errors';
import { fixed, int, times } from '../format';
import { integer } from '../knobs';
import { busyCores, cpuPerWall, loadNote, needingCores } from '../machine';
import { lagPoints, recordLoopLag, type LagRecording } from '../measure/loop-lag';
import { medianRatio, recordOf } from '../measure/stats';
import { Peer } from '../peer';
import { workersPerPool } from '../pool-knobs';
import { warmUp } from '../fib-pool-warm-up';
import { fib as fibHere, runnerOf, type FibResult } from '../workers/cpu-tasks';
import type { SlowServerData, SlowServerReady } from '../workers/slow-server';

/** How much longer one download after another must take than all at once (sequential ÷ async). */
export const IO_OVERLAP = 2;
/** How much faster a pool of 2 must make the async pipeline on 2 cores (async ÷ async + pool). */
export const POOL_GAIN = 1.25;
/** How much worse the loop's lag p99 must be with the CPU work on it than with it in a pool. */
export const LAG_RATIO = 3;

/**
 * The four ways, in the order of the guide's argument: the waits one after another; the waits
 * overlapped by the event loop, which then does the CPU work itself; and the hybrid — the loop
 * overlaps the waits and hands each job's CPU work to a pool (`run_in_executor`), of threads,
 * then of processes.
 */
export const WAYS = ['sequential', 'async', 'threads', 'processes'] as const;
export type Way = (typeof WAYS)[number];
const POOLS = ['threads', 'processes'] as const;

/** The loop-lag sampling period (ms). */
const LAG_PERIOD_MS = 10;

/**
 * The most the one-by-one way may wait on the server in a run (ms): `--latency-ms` × `--jobs` ×
 * `--rounds`. The other ways wait about one latency a round each; with the CPU work, the longest
 * runs allowed took 154 s here (64 jobs, fib(34), 104 ms, 9 rounds) and 117 s (3 jobs,
 * fib(34), 2000 ms, 9 rounds).
 */
const MAX_SEQUENTIAL_WAIT_MS = 60_000;

/** A bound on each download: a server that stops answering fails the demo, never hangs it. */
const DOWNLOAD_TIMEOUT_MS = 30_000;

/** GETs `url` through `agent` (keep-alive, as an aiohttp session would): the parsed JSON body. */
function download(agent: Agent, url: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = get(url, { agent, timeout: DOWNLOAD_TIMEOUT_MS }, (res) => {
      if (res.statusCode !== 200) {
        res.resume();
        reject(new WorkerFailedError(`the slow server answered GET ${url} with ${res.statusCode}`));
        return;
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.once('end', () => {
        try {
          resolve(JSON.parse(text));
        } catch (error) {
          reject(error);
        }
      });
      res.once('error', reject);
    });
    req.once('error', reject);
    req.once('timeout', () =>
      req.destroy(new StepTimeoutError(`GET ${url}: no answer within ${DOWNLOAD_TIMEOUT_MS} ms`)),
    );
  });
}

/** What each download says to compute. */
interface WorkOrder {
  n: number;
}

/** One run of one way, as `judge` reads it. */
export interface WayRun {
  ms: number;
  /** CPU ms this process (all its threads) burnt during the run. */
  cpuMs: number;
  lag: LagRecording;
  /** The most downloads the server held at once. */
  peak: number;
  results: FibResult[];
}

export const hybrid = defineDemo({
  name: 'hybrid',
  mirrors: 'The hybrid approach: asyncio with a process pool (run_in_executor)',
  describe:
    'Jobs that each download from a slow server, then compute: one by one; all at once, computing on the event loop (asyncio alone); all at once, computing in a thread pool or a process pool (run_in_executor). The loop overlaps the waits; the pool spreads the CPU work and leaves the loop free.',
  knobs: {
    // The sequential way waits jobs × latency: 64 × 100 ms is over 6 s a round. From 3: one by
    // one takes jobs × (wait + work), all at once at least wait + jobs × work, a ratio under
    // jobs — so with 2 it never reaches IO_OVERLAP (2×), and 1 has nothing to overlap.
    jobs: integer('Jobs in the batch.', { default: 16, min: IO_OVERLAP + 1, max: 64 }),
    // fib grows ×1.6 a step: ~16 ms at 32 on a free core, ~42 ms at 34. Each job computes it in
    // each of the four ways: 64 jobs at 34 took 13 s a round here with no wait, 35 s at 36.
    n: integer('fib(n) each work order names.', { default: 32, min: 1, max: 34 }),
    // The server's wait before each answer: the I/O the loop overlaps. A run's waits one by one
    // are bounded together (MAX_SEQUENTIAL_WAIT_MS): 8 jobs of 2000 ms took 25 s a round here.
    latencyMs: integer("The server's wait before each answer (ms).", {
      default: 100,
      min: 0,
      max: 2000,
    }),
    // Each pool this size; the gain asked for (POOL_GAIN) is what 2 workers give on 2 cores.
    workers: workersPerPool,
    // Rounds of the four ways in alternating order; the median ratio within a round counts.
    rounds: integer('Rounds of the four ways.', { default: 3, min: 1, max: 9 }),
  },
  rules: [
    {
      knobs: ['latencyMs', 'jobs', 'rounds'],
      doc: `\`--latency-ms\` × \`--jobs\` × \`--rounds\` at most ${int(MAX_SEQUENTIAL_WAIT_MS)}: else the one-by-one way alone waits over a minute (64 jobs × 2000 ms × 9 rounds would be 19 minutes)`,
      holds: ({ latencyMs, jobs, rounds }) => latencyMs * jobs * rounds <= MAX_SEQUENTIAL_WAIT_MS,
    },
  ],
  run: needingCores(2, async (o) => {
    const serverData: SlowServerData = {
      body: JSON.stringify({ n: o.n } satisfies WorkOrder),
      latencyMs: o.latencyMs,
    };
    await using server = Peer.thread('slow-server', serverData);
    const { port } = await server.next<SlowServerReady>();
    const agent = new Agent({ keepAlive: true });
    const filename = entryPath('cpu-tasks');
    await using threads = new ThreadPoolExecutor({ filename, maxWorkers: o.workers });
    await using processes = new ProcessPoolExecutor({ filename, maxWorkers: o.workers });
    const pools: Record<(typeof POOLS)[number], Executor> = { threads, processes };
    try {
      const urls = Array.from({ length: o.jobs }, (_, i) => `http://127.0.0.1:${port}/job/${i}`);
      const order = async (url: string) => ((await download(agent, url)) as WorkOrder).n;
      const inPool = async (pool: Executor, url: string) =>
        pool.submit<FibResult>(await order(url), { name: 'fib' }).result();
      const pipeline: Record<Way, () => Promise<FibResult[]>> = {
        sequential: async () => {
          const results: FibResult[] = [];
          for (const url of urls) results.push(fibHere(await order(url)));
          return results;
        },
        async: () => Promise.all(urls.map(async (url) => fibHere(await order(url)))),
        threads: () => Promise.all(urls.map((url) => inPool(threads, url))),
        processes: () => Promise.all(urls.map((url) => inPool(processes, url))),
      };
      const runWay = async (way: Way): Promise<WayRun> => {
        const recording = recordLoopLag(LAG_PERIOD_MS);
        try {
          const { ms, cpuMs, value: results } = await cpuPerWall(pipeline[way]);
          // The last stall is recorded when the sampling timer fires after it: let it, once.
          await sleep(2 * LAG_PERIOD_MS);
          const lag = recording.stop();
          server.send('peak');
          const peak = await server.next<number>();
          return { ms, cpuMs, lag, peak, results };
        } finally {
          recording.stop(); // a failed run leaves no timer behind
        }
      };

      // Warm-up, untimed: the keep-alive sockets exist, and every worker of each pool has
      // loaded the task module and answered, so the first timed round pays for none of it.
      await runWay('async');
      for (const pool of Object.values(pools)) await warmUp(pool);

      const runs: Record<Way, WayRun[]> = { sequential: [], async: [], threads: [], processes: [] };
      for (let round = 0; round < o.rounds; round++)
        for (const way of round % 2 === 0 ? WAYS : [...WAYS].reverse())
          runs[way].push(await runWay(way));
      return judge(o, runs);
    } finally {
      agent.destroy();
    }
  }),
});

/** The knobs `judge` reads. */
export interface HybridOptions {
  jobs: number;
  n: number;
  latencyMs: number;
  workers: number;
  rounds: number;
}

/**
 * The figures, table and verdict of the runs: exported for its unit test, which tries each branch.
 */
export function judge(o: HybridOptions, runs: Record<Way, WayRun[]>) {
  const expected = fib(o.n);
  const perWay = <T>(f: (way: Way) => T) => recordOf(WAYS, f);
  const msOf = perWay((w) => runs[w].map((r) => r.ms));
  /** The median within-round ratio of `a`'s time to `b`'s. */
  const ratio = (a: Way, b: Way): number => medianRatio(msOf[a], msOf[b]);
  const wrong = perWay(
    (w) => runs[w].flatMap((r) => r.results).filter((r) => r.value !== expected).length,
  );
  // Who did the CPU work: this thread alone, or the pool's workers.
  const runners = perWay((w) => new Set(runs[w].flatMap((r) => r.results.map(runnerOf))).size);
  const here = runnerOf({ pid: process.pid, threadId });
  const onLoop = perWay((w) => runs[w].every((r) => r.results.every((x) => runnerOf(x) === here)));
  const peak = perWay((w) => Math.max(...runs[w].map((r) => r.peak)));
  const lagP99 = perWay((w) => median(runs[w].map((r) => r.lag.p99Ms)));
  const lagMax = perWay((w) => Math.max(...runs[w].map((r) => r.lag.maxMs)));
  const overlap = ratio('sequential', 'async');
  const gain = {
    threads: ratio('async', 'threads'),
    processes: ratio('async', 'processes'),
  };
  // 1 ms floor: a free loop's timer fires a fraction of a ms late, and a ratio to that means
  // nothing.
  const lagRatio = Math.min(...POOLS.map((p) => lagP99.async / Math.max(lagP99[p], 1)));
  // Cores' worth of CPU the thread way got while it computed: its run less the download wait,
  // when nothing computes. Near 2 with 2 free cores; near 1 when other jobs hold one.
  const threadCores = median(runs.threads.map((r) => r.cpuMs / Math.max(r.ms - o.latencyMs, 1)));
  // The pool with the smaller gain, or with none (NaN): the one the verdict names.
  const slowerPool: (typeof POOLS)[number] =
    Number.isNaN(gain.processes) || gain.processes < gain.threads ? 'processes' : 'threads';

  const verdict = (): { holds: boolean; why: string } => {
    // A way short of rounds has no ratio for the rounds it lacks (NaN): judge nothing by it.
    const short = WAYS.find((w) => runs[w].length !== o.rounds);
    if (short !== undefined)
      return {
        holds: false,
        why: `the ${short} way ran ${runs[short].length} of ${o.rounds} rounds`,
      };
    const badWays = WAYS.filter((w) => wrong[w] > 0);
    if (badWays.length > 0)
      return { holds: false, why: `wrong results from ${badWays.join(', ')}` };
    if (!onLoop.sequential || !onLoop.async || POOLS.some((p) => onLoop[p]))
      return { holds: false, why: 'the CPU work did not run where each way puts it' };
    const overlapped = WAYS.filter((w) => w !== 'sequential');
    if (peak.sequential !== 1 || overlapped.some((w) => peak[w] < 2))
      return {
        holds: false,
        why: `the server held at most ${peak.sequential} download(s) at once one by one, ${Math.min(...overlapped.map((w) => peak[w]))} in some way that starts them all`,
      };
    // Each check is written to fail on NaN (a comparison with NaN is false either way round).
    if (!(lagRatio >= LAG_RATIO))
      return {
        holds: false,
        why: `loop lag p99 ${fixed(lagP99.async)} ms with the CPU work on it, up to ${fixed(Math.max(lagP99.threads, lagP99.processes))} ms with a pool (${times(lagRatio)}; needs ${LAG_RATIO}×; ${loadNote()})`,
      };
    if (!(overlap >= IO_OVERLAP))
      return {
        holds: false,
        why: `overlapping the downloads was only ${times(overlap)} faster (needs ${IO_OVERLAP}×; ${loadNote()})`,
      };
    // Math.min keeps a NaN gain, and it fails.
    if (!(Math.min(gain.threads, gain.processes) >= POOL_GAIN))
      return {
        holds: false,
        why:
          slowerPool === 'threads' && threadCores < POOL_GAIN
            ? busyCores(threadCores)
            : `the ${slowerPool} pool was ${times(gain[slowerPool])} the async way, under ${times(POOL_GAIN)} (${loadNote()})`,
      };
    return {
      holds: true,
      why: `overlapping the waits ran ${times(overlap)} faster, a pool ${times(gain[slowerPool])} more, and the loop stayed free`,
    };
  };

  const label: Record<Way, string> = {
    sequential: 'one by one',
    async: 'async, CPU on loop',
    threads: `async + ${o.workers} threads`,
    processes: `async + ${o.workers} processes`,
  };
  return {
    figures: {
      ...o,
      ms: msOf,
      lagP99Ms: lagP99,
      lagMaxMs: lagMax,
      // The last round's timer ticks, for the lessons report's chart of the loop's stalls.
      lagOverTime: WAYS.flatMap((way) => {
        const last = runs[way].at(-1);
        return last ? lagPoints(last.lag).map((p) => ({ way, ...p })) : [];
      }),
      peakDownloads: peak,
      runners,
      onLoop,
      wrongResults: wrong,
      overlap,
      threadGain: gain.threads,
      processGain: gain.processes,
      lagRatio,
      threadCores,
    },
    table: {
      header: ['way', 'median ms', 'speedup', 'in flight', 'runners', 'lag p99'],
      align: ['left', 'right', 'right', 'right', 'right', 'right'] as const,
      rows: WAYS.map((way) => [
        label[way],
        fixed(median(msOf[way]), 0),
        times(way === 'sequential' ? 1 : ratio('sequential', way)),
        String(peak[way]),
        onLoop[way] ? 'the loop' : String(runners[way]),
        `${fixed(lagP99[way])} ms`,
      ]),
    },
    notes: [
      `${o.jobs} jobs, each a ${o.latencyMs} ms download from a server in another thread, then fib(${o.n}), standing for the parsing or scoring of what arrived. Speedup over one by one: the median ratio within ${o.rounds} round(s) (${loadNote()}). In flight: the most downloads the server held at once. Lag: the event loop's, p99 of how late a ${LAG_PERIOD_MS} ms timer fired.`,
      "The loop alone overlaps the waits but runs the CPU work one job at a time, and while it does, nothing else it serves gets a turn; a pool runs the work on the other cores and the loop only waits. In Python's default build the pool must be processes or, since 3.14, subinterpreters (the GIL); in Node threads do it as well.",
    ],
    verdict: verdict(),
  };
}
