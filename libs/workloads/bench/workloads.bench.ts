/**
 * Micro-benchmark of every CPU workload, run with `node bench/workloads.bench.ts` (Node 24 strips
 * the types) against the BUILT library: build first (`nx bench workloads` does).
 *
 * Absolute ops/s depend on the machine and on whatever else it is doing, so each figure is also
 * given as a ratio to a baseline measured in the same run: a plain loop summing as many bytes as
 * the 256x256 test image holds. "x baseline" = time per op / time per baseline op, i.e. how many
 * baseline loops one op costs; that ratio is what to compare across machines and commits.
 *
 * Shared machines drift (CPU boost, neighbours' load), so every case is measured in several
 * rounds, each paired with a baseline measured right before it, and the median is reported; the
 * spread column says how much the rounds disagreed.
 *
 * CommonJS `require` on purpose: the package has no "type" field, and ESM syntax here would make
 * Node re-parse the file as ESM and print a MODULE_TYPELESS_PACKAGE_JSON warning on every run.
 */
// The package name, not '../src': it resolves to the built dist/, which is what gets measured.
const workloads: typeof import('@concurrency-lab/workloads') = require('@concurrency-lab/workloads');
const {
  median,
  spreadPercent,
}: typeof import('@concurrency-lab/report-kit') = require('@concurrency-lab/report-kit');
// The anchor of the decode comparison below: pngjs's own reader, which decodePng replaces.
const { PNG }: typeof import('pngjs') = require('pngjs');

/** Fewest calls a measurement makes, however long each takes. */
const MIN_OPS = 3;

// Every result feeds this, so no call can be optimised away as dead code.
let sink = 0;

/** A clock started when this is called: each call of what it answers reads the ms since. */
type StartClock = () => () => number;

/** Wall time. */
const wallClock: StartClock = () => {
  const start = performance.now();
  return () => performance.now() - start;
};

/** CPU time of this thread (user + system): time descheduled by a neighbour's load is left out. */
const threadCpuClock: StartClock = () => {
  const start = process.threadCpuUsage();
  return () => {
    const { user, system } = process.threadCpuUsage(start);
    return (user + system) / 1000;
  };
};

/** Calls `op` until `clock` has run `durationMs` and MIN_OPS calls are made: how many, how long. */
function timeCalls(
  op: () => number,
  durationMs: number,
  clock: StartClock,
): { ops: number; ms: number } {
  let ops = 0;
  let ms = 0;
  const elapsed = clock();
  // Reading the clock per op is fine: the fastest op here takes ~0.1 ms, the wall clock ~50 ns.
  while (ms < durationMs || ops < MIN_OPS) {
    sink ^= op();
    ops++;
    ms = elapsed();
  }
  return { ops, ms };
}

function runWorkloadsBench(): void {
  const { applyFilter, countPrimes, decodePng, encodePng, fib, FILTER_NAMES, generateTestImage } =
    workloads;

  const ROUNDS = 3;
  const WARMUP_MS = 100;
  const BASELINE_MS = 100;
  const CASE_MS = 250;
  const IMAGE_SIDE = 256;

  /** Ops per second of `op` over at least `durationMs` (and at least MIN_OPS calls). */
  function opsPerSecond(op: () => number, durationMs: number): number {
    const { ops, ms } = timeCalls(op, durationMs, wallClock);
    return (ops * 1000) / ms;
  }

  const image = generateTestImage(IMAGE_SIDE);
  const png = encodePng(image);
  const bytes = new Uint8Array(image.data.length).fill(1);

  const sumBytes = (): number => {
    let sum = 0;
    for (let i = 0; i < bytes.length; i++) sum = (sum + (bytes[i] as number)) | 0;
    return sum;
  };

  const cases: [label: string, op: () => number][] = [
    ...FILTER_NAMES.map((filter): [string, () => number] => [
      `applyFilter ${filter} ${IMAGE_SIDE}x${IMAGE_SIDE}`,
      () => applyFilter(image, filter).data[0] as number,
    ]),
    [`decodePng ${IMAGE_SIDE}x${IMAGE_SIDE} (${png.length} B)`, () => decodePng(png).width],
    [`encodePng ${IMAGE_SIDE}x${IMAGE_SIDE}`, () => encodePng(image).length],
    ['countPrimes(1e6)', () => countPrimes(1_000_000)],
    ['fib(25)', () => fib(25)],
  ];

  // Warm every path up front, so JIT tiering and any deoptimisation from one case meeting
  // another's inputs happen before anything is timed.
  for (const op of [sumBytes, ...cases.map(([, op]) => op)]) opsPerSecond(op, WARMUP_MS);

  const baselineRuns: number[] = [];
  const results = cases.map(([label]) => ({
    label,
    opsPerSec: [] as number[],
    ratios: [] as number[],
  }));
  for (let round = 0; round < ROUNDS; round++) {
    cases.forEach(([, op], i) => {
      const baseline = opsPerSecond(sumBytes, BASELINE_MS);
      const opsPerSec = opsPerSecond(op, CASE_MS);
      baselineRuns.push(baseline);
      results[i]?.opsPerSec.push(opsPerSec);
      results[i]?.ratios.push(baseline / opsPerSec);
    });
  }

  const fmt = (value: number, digits: number) =>
    value.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
  const columns = (...cells: [string, number][]) =>
    cells.map(([text, width], i) => (i === 0 ? text.padEnd(width) : text.padStart(width))).join('');

  console.log(
    `workloads bench - node ${process.version} ${process.platform}/${process.arch}, ` +
      `${ROUNDS} rounds of ${CASE_MS} ms per case, each after a ${BASELINE_MS} ms baseline`,
  );
  console.log(
    `baseline: plain loop summing ${bytes.length} bytes (one ${IMAGE_SIDE}x${IMAGE_SIDE} RGBA ` +
      `image): median ${fmt(median(baselineRuns), 1)} ops/s, ` +
      `range ${fmt(Math.min(...baselineRuns), 1)}..${fmt(Math.max(...baselineRuns), 1)}`,
  );
  console.log('');
  console.log(
    columns(['case', 34], ['ops/s', 12], ['ms/op', 10], ['x baseline', 13], ['spread', 9]),
  );
  for (const { label, opsPerSec, ratios } of results) {
    const ops = median(opsPerSec);
    console.log(
      columns(
        [label, 34],
        [fmt(ops, 1), 12],
        [fmt(1000 / ops, 3), 10],
        [fmt(median(ratios), 1), 13],
        [spreadPercent(ratios), 9],
      ),
    );
  }
  console.log('\n"x baseline": time per op / time per baseline op (median of paired rounds).');
  // Printed so the sink is observably used; the value itself means nothing.
  console.log(`(result sink ${sink >>> 0})`);
}

/**
 * decodePng against bare `PNG.sync.read`, the anchor it must keep up with: decodePng runs pngjs's
 * own parsing, unfiltering and pixel mapping around one bounded inflate (decode-png.ts says why),
 * so the ratio isolates what that costs. Each round times both on the same bytes, alternating
 * which goes first; the ratio reported is the median over rounds of time(decodePng) /
 * time(PNG.sync.read), so above 1.00 means decodePng is slower.
 */
function runDecodeComparison(): void {
  const { decodePng, encodePng, generateTestImage } = workloads;
  // Many short rounds: a neighbour's load then spoils a few rounds rather than the median.
  const ROUNDS = 15;

  /**
   * CPU milliseconds of this thread per call of `op`, over at least `durationMs` of CPU (and at
   * least MIN_OPS calls). CPU time, not wall time: both decoders run wholly on this thread (zlib's
   * sync calls included), and time spent descheduled by a neighbour's load does not count.
   */
  function cpuMsPerOp(op: () => number, durationMs: number): number {
    const { ops, ms } = timeCalls(op, durationMs, threadCpuClock);
    return ms / ops;
  }

  console.log('');
  console.log(
    `decodePng vs PNG.sync.read (anchor): CPU ms per decode, median of ${ROUNDS} paired rounds`,
  );
  console.log(
    ['image'.padEnd(26), 'anchor ms', 'decodePng ms', 'ratio', 'spread']
      .map((cell, i) => (i === 0 ? cell : cell.padStart(13)))
      .join(''),
  );
  for (const side of [256, 1024]) {
    const png = encodePng(generateTestImage(side));
    const anchor = () => PNG.sync.read(png).data.length;
    const candidate = () => decodePng(png).data.length;
    const caseMs = side >= 1024 ? 150 : 60;
    cpuMsPerOp(anchor, caseMs); // warm-up
    cpuMsPerOp(candidate, caseMs);
    const anchorMs: number[] = [];
    const candidateMs: number[] = [];
    const ratios: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let a: number;
      let c: number;
      if (round % 2 === 0) {
        a = cpuMsPerOp(anchor, caseMs);
        c = cpuMsPerOp(candidate, caseMs);
      } else {
        c = cpuMsPerOp(candidate, caseMs);
        a = cpuMsPerOp(anchor, caseMs);
      }
      anchorMs.push(a);
      candidateMs.push(c);
      ratios.push(c / a);
    }
    console.log(
      [
        `${side}x${side} (${png.length} B)`.padEnd(26),
        median(anchorMs).toFixed(3),
        median(candidateMs).toFixed(3),
        median(ratios).toFixed(2),
        spreadPercent(ratios),
      ]
        .map((cell, i) => (i === 0 ? cell : cell.padStart(13)))
        .join(''),
    );
  }
  console.log(`(result sink ${sink >>> 0})`);
}

runWorkloadsBench();
runDecodeComparison();
