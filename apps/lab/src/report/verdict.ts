import { MODELS, type ModelInfo } from '@concurrency-lab/models';
import type { ModelResult, Report, ScenarioReport } from './report-schema';

/** The models that run CPU work somewhere other than the one event loop: a pool, or processes. */
const OFF_THE_LOOP: readonly string[] = (MODELS as readonly ModelInfo[])
  .filter((m) => m.pool || m.restarts.includes('process'))
  .map((m) => m.model);

/** `a`, `a and b`, `a, b and c`. */
const inWords = (names: readonly string[]) =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

const best = (results: ModelResult[], score: (r: ModelResult) => number, lowest: boolean) =>
  [...results].sort((a, b) => (lowest ? score(a) - score(b) : score(b) - score(a)))[0]?.model ??
  'async';

/**
 * Per scenario: who wins on throughput, on p99 and on memory, and whether the throughput
 * winner is one the Python guide's table would pick. The data decides; the note says so plainly,
 * including when the guide is not borne out.
 */
export function verdictFor(
  guide: ScenarioReport['guide'],
  results: ModelResult[],
): ScenarioReport['verdict'] {
  const throughput = best(results, (r) => r.summary.rps, false);
  const p99 = best(results, (r) => r.summary.p99Ms, true);
  const memory = best(results, (r) => r.summary.rssPeakBytes, true);
  const top = results.find((r) => r.model === throughput)?.summary.rps ?? 0;
  // Within 5% of the winner counts as a tie: one noisy run cannot split hairs.
  const tied = results.filter((r) => r.summary.rps >= top * 0.95).map((r) => r.model);
  const agreesWithGuide = tied.some((m) => guide.prefers.includes(m));
  const ratios = results
    .map((r) => `${r.model} ${(r.summary.rps / Math.max(top, 1e-9)).toFixed(2)}×`)
    .join(', ');
  const note = agreesWithGuide
    ? `Agrees with the guide (${guide.text}): ${tied.join(' ≈ ')} lead on throughput (${ratios}).`
    : `Does not agree with the guide (${guide.text}): ${tied.join(' ≈ ')} lead on throughput (${ratios}).`;
  return { throughput, p99, memory, agreesWithGuide, note };
}

/** The lessons the lab exists to show, checked against this run's figures. */
export function lessonsFor(scenarios: ScenarioReport[]): Report['lessons'] {
  const lessons: Report['lessons'] = [];
  const cpu = scenarios.find((s) => s.id === 'cpu');
  const summaryOf = (s: ScenarioReport | undefined, model: string) =>
    s?.results.find((r) => r.model === model)?.summary;
  const asyncCpu = summaryOf(cpu, 'async');
  if (cpu && asyncCpu) {
    const others = OFF_THE_LOOP.map((m) => [m, summaryOf(cpu, m)] as const).filter(
      (pair): pair is readonly [string, NonNullable<ReturnType<typeof summaryOf>>] =>
        pair[1] !== undefined,
    );
    const ratios = others.map(([m, s]) => [m, s.rps / Math.max(asyncCpu.rps, 1e-9)] as const);
    lessons.push({
      id: 'cpu-needs-cores',
      claim: `CPU-bound work: ${inWords(OFF_THE_LOOP)} reach at least 1.6× the throughput of one event loop`,
      holds: ratios.length ? ratios.every(([, r]) => r >= 1.6) : null,
      figures:
        ratios.map(([m, r]) => `${m} ${r.toFixed(2)}× async`).join(', ') ||
        `no ${OFF_THE_LOOP.join('/')} in this run`,
    });
  }
  const fairness = scenarios.find((s) => s.id === 'fairness');
  const asyncProbe = summaryOf(fairness, 'async');
  const threadsProbe = summaryOf(fairness, 'threads');
  if (fairness && asyncProbe && threadsProbe) {
    const ratio = asyncProbe.p99Ms / Math.max(threadsProbe.p99Ms, 1e-9);
    lessons.push({
      id: 'cpu-blocks-the-loop',
      claim:
        "While CPU work runs, one event loop's I/O requests wait: async's I/O p99 is several (≥ 3) times threads'",
      holds: ratio >= 3,
      figures: `I/O p99: async ${asyncProbe.p99Ms.toFixed(1)} ms, threads ${threadsProbe.p99Ms.toFixed(1)} ms (${ratio.toFixed(1)}×)`,
    });
  }
  return lessons;
}
