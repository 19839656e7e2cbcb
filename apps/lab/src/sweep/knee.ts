import type { Sweep, SweepPoint } from './sweep-schema';
import { hasAnswers } from '../report/verdict';

/** Within this share of the best throughput, another worker is not worth its cost. */
export const KNEE_SHARE = 0.9;

const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);

/**
 * `a` as a multiple of `b`, for the line: "n/a" when there is nothing to divide by (no figure
 * is better than NaN, Infinity or a 1e-9 guard's billions), and "<0.01×" for a real but tiny
 * ratio, which toFixed(2) would print as 0.00× — the look of a size that answered nothing.
 */
function ratio(a: number, b: number): string {
  const r = a / b;
  if (!(b > 0) || !Number.isFinite(r)) return 'n/a (nothing to compare with)';
  return r > 0 && r < 0.005 ? '<0.01×' : `${r.toFixed(2)}×`;
}

/**
 * The knee of one model's sizing curve: the smallest pool reaching 90% of its best
 * throughput, and what the sizes past it add (throughput) and cost (p99, memory).
 */
export function kneeOf(model: string, points: SweepPoint[]): Sweep['knees'][number] {
  const curve = meanCurve(points.filter((p) => p.model === model));
  const best = curve.reduce((a, b) => (b.summary.rps > a.summary.rps ? b : a));
  // A model that answered nothing has no curve to read a knee from: 90% of 0 req/s is "reached"
  // at WORKERS=1, which would be evidence made of nothing (README: a model with no answers is
  // never evidence).
  if (!hasAnswers(best.summary)) {
    return {
      model: best.model,
      knee: null,
      best: null,
      line: `${model}: answered nothing at any size run, so it has no knee.`,
    };
  }
  const knee = curve.find((p) => p.summary.rps >= best.summary.rps * KNEE_SHARE) ?? best;
  const last = curve[curve.length - 1] ?? best;
  // The largest size may have answered nothing (a pool too big for the machine's memory): its
  // ratios would read 0.00× the req/s and a p99 of requests that never ended, as if measured.
  // Answered in some passes only: its p99 is theirs alone (meanCurve), and the line says so.
  const passes = points.filter((p) => p.model === model && p.workers === last.workers);
  const answered = passes.filter((p) => hasAnswers(p.summary)).length;
  const some = answered < passes.length ? ` (${answered} of ${passes.length} passes answered)` : '';
  const past = !(last.workers > knee.workers)
    ? ''
    : !hasAnswers(last.summary)
      ? `; at WORKERS=${last.workers} it answered nothing`
      : `; at WORKERS=${last.workers}${some}: ${ratio(last.summary.rps, knee.summary.rps)} the req/s, p99 ${ratio(last.summary.p99Ms, knee.summary.p99Ms)}, RSS ${mib(knee.summary.rssPeakBytes)} → ${mib(last.summary.rssPeakBytes)} MiB`;
  return {
    model: best.model,
    knee: knee.workers,
    best: best.workers,
    line: `${model}: ${Math.round(knee.summary.rps)} req/s at WORKERS=${knee.workers} is ${Math.round((knee.summary.rps / Math.max(best.summary.rps, 1e-9)) * 100)}% of its best (${Math.round(best.summary.rps)} req/s at WORKERS=${best.workers})${past}.`,
  };
}

/**
 * The report's line: where the knee is on this machine, beside the guide's N_CPU + 1. A sweep
 * whose sizes stop below N_CPU + 1 (`--max-workers`) cannot say whether more workers would add
 * throughput: the line says so instead of judging the guide.
 */
export function kneeLine(
  knees: Sweep['knees'],
  cpus: number,
  scenario: string,
  largest: number,
): string {
  // Only models that answered have a knee; the others are named, and left out of the verdict.
  const found = knees.flatMap((k) => (k.knee === null ? [] : [{ ...k, knee: k.knee }]));
  const silent = knees.filter((k) => k.knee === null).map((k) => k.model);
  const byKnee = new Map<number, string[]>();
  for (const k of found) byKnee.set(k.knee, [...(byKnee.get(k.knee) ?? []), k.model]);
  const where = [
    ...[...byKnee.entries()]
      .sort(([a], [b]) => a - b)
      .map(([size, models]) => `WORKERS=${size} for ${models.join(', ')}`),
    ...(silent.length ? [`none for ${silent.join(', ')} (no answers)`] : []),
  ].join('; ');
  const guide = cpus + 1;
  const verdict = !found.length
    ? 'no model answered, so nothing here judges it'
    : largest < guide
      ? `the sizes run stop at WORKERS=${largest}, short of it: run \`--max-workers ${guide}\` or more to test it`
      : found.every((k) => k.knee === guide)
        ? 'as the guide says'
        : found.every((k) => k.knee < guide)
          ? 'below the guide’s advice: extra workers add no throughput here'
          : found.every((k) => k.knee > guide)
            ? 'above the guide’s advice'
            : 'the models disagree';
  return `The knee on this machine (${cpus} CPUs, ${scenario}): ${where} — the guide's N_CPU + 1 would be ${guide}; ${verdict}.`;
}

/** One point per size: the mean of the passes' throughput, p99 (of those that answered) and RSS. */
export function meanCurve(points: SweepPoint[]): SweepPoint[] {
  const bySize = new Map<number, SweepPoint[]>();
  for (const p of points) bySize.set(p.workers, [...(bySize.get(p.workers) ?? []), p]);
  const mean = (ps: SweepPoint[], f: (p: SweepPoint) => number) =>
    ps.reduce((a, p) => a + f(p), 0) / ps.length;
  return [...bySize.entries()]
    .sort(([a], [b]) => a - b)
    .flatMap(([, ps]) => {
      const [first] = ps;
      if (!first) return [];
      const answered = ps.filter((p) => hasAnswers(p.summary));
      return [
        {
          ...first,
          summary: {
            ...first.summary,
            rps: mean(ps, (p) => p.summary.rps),
            // A pass that answered nothing has no p99 (the recorder's 0): the mean of those
            // that did, as the p99 chart draws it; 0 again when none did (hasAnswers: false).
            p99Ms: answered.length ? mean(answered, (p) => p.summary.p99Ms) : 0,
            rssPeakBytes: mean(ps, (p) => p.summary.rssPeakBytes),
          },
        },
      ];
    });
}
