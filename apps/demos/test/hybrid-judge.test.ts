import { fib } from '@concurrency-lab/workloads';
import { threadId } from 'node:worker_threads';
import { hybrid, judge, type HybridOptions, type Way, type WayRun } from '../src/demos/hybrid';
import { overlong, rendered } from './support/run-demo';

// The e2e test runs the demo with real threads and processes but sizes too small for the
// lesson to hold; here the verdict's every branch meets runs made up to take it.
const o: HybridOptions = { jobs: 4, n: 10, latencyMs: 100, workers: 2, rounds: 1 };
const where = {
  loop: () => ({ pid: process.pid, threadId }),
  threads: (i: number) => ({ pid: process.pid, threadId: threadId + 1 + (i % 2) }),
  processes: (i: number) => ({ pid: process.pid + 1 + (i % 2), threadId: 0 }),
};

interface Shape {
  ms: number;
  cpuMs?: number;
  lagP99Ms: number;
  peak: number;
  on: keyof typeof where;
  wrong?: number;
}

const wayRun = ({ ms, cpuMs = ms, lagP99Ms, peak, on, wrong = 0 }: Shape): WayRun => ({
  ms,
  cpuMs,
  lag: { p50Ms: 10, p99Ms: lagP99Ms, maxMs: lagP99Ms, samples: [] },
  peak,
  results: Array.from({ length: o.jobs }, (_, i) => ({
    value: fib(o.n) + (i < wrong ? 1 : 0),
    ...(on === 'loop' ? where.loop() : where[on](i)),
  })),
});

/** A run where the lesson holds: overlap 3.3×, pools 1.67× and 1.58×, lag 16.7×, 2 cores. */
const good: Record<Way, Shape> = {
  sequential: { ms: 1000, lagP99Ms: 30, peak: 1, on: 'loop' },
  async: { ms: 300, lagP99Ms: 200, peak: 4, on: 'loop' },
  threads: { ms: 180, cpuMs: 160, lagP99Ms: 12, peak: 4, on: 'threads' },
  processes: { ms: 190, cpuMs: 10, lagP99Ms: 12, peak: 4, on: 'processes' },
};

const verdictOf = (change: Partial<{ [W in Way]: Partial<Shape> }> = {}) => {
  const runs = Object.fromEntries(
    (Object.keys(good) as Way[]).map((w) => [w, [wayRun({ ...good[w], ...change[w] })]]),
  ) as Record<Way, WayRun[]>;
  return judge(o, runs);
};

describe('hybrid: the verdict', () => {
  it('holds when every figure clears its margin, and the printout fits 80 columns', () => {
    const result = verdictOf();
    expect(result.verdict).toEqual({
      holds: true,
      why: 'overlapping the waits ran 3.33× faster, a pool 1.58× more, and the loop stayed free',
    });
    expect(result.figures).toMatchObject({
      overlap: 1000 / 300,
      threadGain: 300 / 180,
      processGain: 300 / 190,
      lagRatio: 200 / 12,
      threadCores: 160 / 80,
      onLoop: { sequential: true, async: true, threads: false, processes: false },
      runners: { sequential: 1, async: 1, threads: 2, processes: 2 },
    });
    // Each speedup is its own within-round ratio to one by one, not a product of two.
    expect(result.table.rows.map((row) => row[2])).toEqual(['1.00×', '3.33×', '5.56×', '5.26×']);
    expect(overlong(rendered(hybrid, result), 'hybrid')).toEqual([]);
  });

  it.each<[string, Partial<{ [W in Way]: Partial<Shape> }>, RegExp]>([
    ['a wrong result', { processes: { wrong: 1 } }, /^wrong results from processes$/],
    ['CPU work where its way does not put it', { threads: { on: 'loop' } }, /did not run where/],
    ['one by one overlapping', { sequential: { peak: 2 } }, /at most 2 download\(s\) at once one/],
    ['a way that starts them all holding one', { threads: { peak: 1 } }, /, 1 in some way/],
    ['a loop as free with the work on it', { async: { lagP99Ms: 20 } }, /^loop lag p99 20\.0 ms/],
    ['downloads barely overlapped', { async: { ms: 800 } }, /^overlapping the downloads was/],
    ['threads short of cores', { threads: { ms: 280 } }, /cores' worth of CPU .*cores busy$/],
    // 250 ms of CPU over the 180 ms it computed: 1.4 cores, so not busy ones — over the whole
    // 280 ms run, download wait included, it would look like 0.9 and blame the machine.
    ['threads slow on free cores', { threads: { ms: 280, cpuMs: 250 } }, /^the threads pool/],
    ['processes slow', { processes: { ms: 280 } }, /^the processes pool was 1\.07× the async/],
  ])('fails on %s, and says so', (_, change, why) => {
    const { verdict } = verdictOf(change);
    expect(verdict.holds).toBe(false);
    expect(verdict.why).toMatch(why);
  });

  it('fails when a way lacks a round, rather than judge by the ways it has', () => {
    // Two rounds, the thread way's second missing and its first 3× slower than the async way's:
    // its gain is NaN, and a judge that compares it (NaN <= x is false) picks the process pool
    // as the slower and holds.
    const two = { ...o, rounds: 2 };
    const runs = Object.fromEntries(
      (Object.keys(good) as Way[]).map((w) => [
        w,
        w === 'threads'
          ? [wayRun({ ...good.threads, ms: 900 })]
          : [wayRun(good[w]), wayRun(good[w])],
      ]),
    ) as Record<Way, WayRun[]>;
    const { verdict, figures } = judge(two, runs);
    expect(figures.threadGain).toBeNaN();
    expect(verdict).toEqual({ holds: false, why: 'the threads way ran 1 of 2 rounds' });
  });

  it.each<
    [string, Partial<{ [W in Way]: Partial<Shape> }>, keyof ReturnType<typeof judge>['figures']]
  >([
    ['thread', { threads: { ms: NaN } }, 'threadGain'],
    ['process', { processes: { ms: NaN } }, 'processGain'],
    ['overlap', { sequential: { ms: NaN } }, 'overlap'],
    ['lag ratio', { threads: { lagP99Ms: NaN } }, 'lagRatio'],
  ])('fails when the %s figure is NaN, whatever the others say', (_, change, figure) => {
    const { verdict, figures } = verdictOf(change);
    expect(figures[figure]).toBeNaN();
    expect(verdict.holds).toBe(false);
  });
});
