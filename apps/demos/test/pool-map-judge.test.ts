import { judge, poolMap, type PoolMapOptions, type Way, type WayRun } from '../src/demos/pool-map';
import { overlong, rendered } from './support/run-demo';

// The e2e test runs the demo with real threads and processes but sizes too small for the
// lesson to hold; here the verdict's every branch meets runs made up to take it.
const o: PoolMapOptions = { images: 4, size: 64, workers: 2, rounds: 3 };
const trip = { inBytes: 4000, echoUsPerItem: { threads: 100, processes: 300 } };

/** How a way's rounds differ from `good`. */
interface Change {
  /** Each round's ms. */
  ms?: number[];
  /** Cores' worth of CPU the process got meanwhile. @default 1.9 */
  cores?: number;
  /** Images of the last round whose checksum differs from the serial loop's first. @default 0 */
  wrong?: number;
}

const wayRun = (ms: number, last: boolean, { cores = 1.9, wrong = 0 }: Change): WayRun => ({
  ms,
  cpuMs: ms * cores,
  results: Array.from({ length: o.images }, (_, i) => ({
    png: new Uint8Array(250),
    checksum: `image-${i}${last && i < wrong ? '-other' : ''}`,
  })),
});

/** Rounds where the lesson holds: threads 1.43×, processes 1.67× (each round's ratio). */
const good: Record<Way, number[]> = {
  serial: [100, 110, 120],
  threads: [70, 77, 84],
  processes: [60, 66, 72],
};

const verdictOf = (change: Partial<Record<Way, Change>> = {}) => {
  const runs = Object.fromEntries(
    (Object.keys(good) as Way[]).map((w) => [
      w,
      (change[w]?.ms ?? good[w]).map((ms, r, all) =>
        wayRun(ms, r === all.length - 1, change[w] ?? {}),
      ),
    ]),
  ) as Record<Way, WayRun[]>;
  return judge(o, runs, trip);
};

describe('pool-map: the verdict', () => {
  it('holds when both pools clear the margin, and the printout fits 80 columns', () => {
    const result = verdictOf();
    expect(result.verdict).toEqual({
      holds: true,
      why: 'threads ran the batch 1.43× faster, processes 1.67×',
    });
    expect(result.figures).toMatchObject({
      threadSpeedup: 100 / 70,
      processSpeedup: 100 / 60,
      sameResults: true,
      threadCores: 1.9,
      bytesPerBatch: { in: 4000, out: 1000 },
    });
    expect(result.table.rows.map((row) => row.slice(1, 4))).toEqual([
      ['110', '1.00×', '—'],
      ['77', '1.43×', '100'],
      ['66', '1.67×', '300'],
    ]);
    // The threads' share of the processes' speedup, as the note says it.
    expect(result.notes.join(' ')).toContain("here at 86% of the processes' pace");
    expect(overlong(rendered(poolMap, result), 'pool-map')).toEqual([]);
  });

  it('takes the median of the rounds’ own ratios, not a ratio of the medians', () => {
    // Ratios 1.43, 2.60, 0.71: median 1.43. The medians' ratio would be 120 / 77 = 1.56.
    const { figures } = verdictOf({
      serial: { ms: [100, 200, 120] },
      threads: { ms: [70, 77, 168] },
    });
    expect(figures.threadSpeedup).toBeCloseTo(100 / 70);
  });

  it.each<[string, Partial<Record<Way, Change>>, RegExp]>([
    ['a pool’s wrong image in one round', { processes: { wrong: 1 } }, /^the pools did not/],
    ['a serial round unlike the first', { serial: { wrong: 1 } }, /^the serial loop's rounds/],
    ['a pool with a round missing', { threads: { ms: [70, 77] } }, /^the pools did not/],
    [
      'no round at all',
      { serial: { ms: [] }, threads: { ms: [] }, processes: { ms: [] } },
      /^no round ran$/,
    ],
    [
      'both pools short, on busy cores',
      { threads: { ms: [90, 99, 108], cores: 1.1 }, processes: { ms: [90, 99, 108] } },
      /cores busy$/,
    ],
    // Processes got their speedup in the same rounds: the cores were free, the threads were not
    // parallel.
    [
      'threads short of CPU beside processes that were not',
      { threads: { ms: [90, 99, 108], cores: 1.1 } },
      /^threads 1\.11×, proc/,
    ],
    ['threads slow on free cores', { threads: { ms: [90, 99, 108] } }, /^threads 1\.11×, proc/],
    [
      'processes slow',
      { processes: { ms: [90, 99, 108] }, threads: { cores: 1.1 } },
      /processes 1\.11× the serial/,
    ],
  ])('fails on %s, and says so', (_, change, why) => {
    const { verdict } = verdictOf(change);
    expect(verdict.holds).toBe(false);
    expect(verdict.why).toMatch(why);
  });
});
