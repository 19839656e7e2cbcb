import { hasAnswers } from '../report/verdict';
import type { ComparableReport, ComparableResult } from './read-report';

type Sample = ComparableResult['samples'][number];
type Summary = ComparableResult['summary'];

/** A figure the comparison shows, where it comes from, and what measures its noise. */
interface Figure {
  id: string;
  label: string;
  /** Shown in this unit: the summary's value times `scale`. */
  scale: number;
  /** undefined: the report does not hold the figure (no row); null: the run measured none. */
  value(summary: Summary): number | null | undefined;
  /** The per-interval values whose spread is the run's noise on this figure. */
  series(samples: Sample[]): number[];
  /**
   * What that spread is relative to, when the figure is not the series' mean: memory per
   * connection is a difference of RSS readings, so an RSS wobble of 1% of the total can be
   * several % of it. @default the series' mean
   */
  spreadOf?(summary: Summary): number | undefined;
  /** Only for scenarios judged on this (memory per connection means something in io only). */
  judge?: string;
}

/**
 * Intervals that hold a whole interval's worth: not the first (nothing measured yet) nor the last
 * (cut short).
 */
const whole = (samples: Sample[]) => samples.slice(1, -1);
const p99s = (samples: Sample[]) =>
  whole(samples).flatMap((s) => (s.p99Ms === null || s.p99Ms === undefined ? [] : [s.p99Ms]));
/**
 * The intervals' req/s that were measured. A driver that reports none per interval (k6) leaves
 * every one null (schema 4 on; `readReport` reads the 0s of its older reports as null too): no
 * series, so no noise figure and the row `unknown`. Read as 0s they were a model that answered
 * nothing, whose spread `spread` takes over the other run's base, so the other run's noise alone
 * decided the flag.
 */
const rpss = (samples: Sample[]) => whole(samples).flatMap((s) => (s.rps === null ? [] : [s.rps]));

export const FIGURES: readonly Figure[] = [
  {
    id: 'rps',
    label: 'req/s',
    scale: 1,
    value: (s) => s.rps,
    series: rpss,
  },
  // The run's latency percentiles have no per-interval series of their own but p99's. A model
  // that answered nothing has none: its 0 is "no answer came" (hasAnswers), not a fast one.
  {
    id: 'p50',
    label: 'p50 ms',
    scale: 1,
    value: (s) => (hasAnswers(s) ? s.p50Ms : null),
    series: p99s,
  },
  {
    id: 'p99',
    label: 'p99 ms',
    scale: 1,
    value: (s) => (hasAnswers(s) ? s.p99Ms : null),
    series: p99s,
  },
  {
    id: 'rss',
    label: 'RSS peak MiB',
    scale: 2 ** -20,
    value: (s) => s.rssPeakBytes,
    series: (x) => x.map((s) => s.rssBytes),
  },
  {
    id: 'cpu',
    label: 'CPU %',
    scale: 1,
    value: (s) => s.cpuPercentMean,
    series: (x) => x.slice(1).map((s) => s.cpuPercent),
  },
  {
    id: 'liveHeapPerConnection',
    label: 'live heap KiB per connection',
    scale: 1 / 1024,
    // undefined in a report before schema 5 (no row); null when that run read none.
    value: (s) => s.liveHeapPerConnectionBytes,
    // One reading after a collection, not a series: a run measures no noise on it, so the row
    // shows the ratio and stays `unknown`.
    series: () => [],
    judge: 'memory-per-connection',
  },
  {
    id: 'memoryPerConnection',
    label: 'RSS growth KiB per connection',
    scale: 1 / 1024,
    value: (s) => s.memoryPerConnectionBytes,
    // (RSS peak − RSS idle) / connections: RSS's spread moves the peak, and so this figure, by
    // that spread over (peak − idle) — not over the whole RSS, which hid ~4× of the noise.
    series: (x) => x.map((s) => s.rssBytes),
    spreadOf: (s) => (s.rssIdleBytes === undefined ? undefined : s.rssPeakBytes - s.rssIdleBytes),
    judge: 'memory-per-connection',
  },
];

/** Fewer intervals than this and a run's spread says nothing: no flag, just the ratio. */
export const MIN_INTERVALS = 3;

/**
 * A difference smaller than this never `differs`, whatever the noise: the page shows the ratio
 * to two decimals, and a fixed-rate scenario's req/s (every interval at the rate, so a spread
 * of ~0) flagged 5907 against 5902 req/s — "1.00×, differs".
 */
export const MIN_DIFFERENCE = 0.005;

/**
 * Relative spread of a series: sample standard deviation / `of` (the series' mean unless given);
 * undefined when unmeasurable (too few values, or nothing positive to be relative to).
 */
export function relativeSpread(values: number[], of?: number): number | undefined {
  if (values.length < MIN_INTERVALS) return undefined;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const base = of ?? mean;
  if (!(base > 0)) return undefined;
  const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / (values.length - 1);
  return Math.sqrt(variance) / base;
}

/** The mean of a series; undefined for none. */
const meanOf = (values: number[]): number | undefined =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : undefined;

/**
 * What a run's spread on a figure is relative to: the figure's own base (`spreadOf`), else the
 * mean of its series. undefined when the report cannot say (no RSS idle, no intervals).
 */
const baseOf = (figure: Figure, r: ComparableResult): number | undefined =>
  figure.spreadOf ? figure.spreadOf(r.summary) : meanOf(figure.series(r.samples));

/**
 * Run `r`'s relative spread on `figure`, beside run `other`. A run whose base is 0 — every
 * interval 0: a model that answered nothing — has no spread relative to itself, and once made
 * the row `unknown`, so a model that stopped answering (1680 req/s → 0) was never flagged. Its
 * spread is then taken over the other run's base, the figure the difference is measured on: 0
 * when it is 0 throughout, so the other run's spread alone is the noise.
 */
function spread(figure: Figure, r: ComparableResult, other: ComparableResult): number | undefined {
  const own = baseOf(figure, r);
  // No base to be relative to (a report from before RSS idle was kept): no noise figure.
  if (own === undefined) return undefined;
  const of = own > 0 ? own : baseOf(figure, other);
  return of === undefined ? undefined : relativeSpread(figure.series(r.samples), of);
}

/**
 * The row's flag from A's and B's figures and the noise. The difference is |B/A − 1|; with A at
 * 0 there is no finite ratio, and B — all of it new — is 1 (100%) of itself away from A, so it
 * differs when the noise is under that. 0 in both runs is the same figure, whatever the noise.
 */
function flagOf(a: number | null, b: number | null, noise: number | null): ComparisonRow['flag'] {
  if (a === null || b === null) return 'unknown';
  if (a === 0 && b === 0) return 'within noise';
  const difference = a > 0 ? Math.abs(b / a - 1) : a === 0 && b > 0 ? 1 : undefined;
  if (noise === null || difference === undefined) return 'unknown';
  return difference > Math.max(noise, MIN_DIFFERENCE) ? 'differs' : 'within noise';
}

export interface ComparisonRow {
  scenario: string;
  model: string;
  figure: string;
  label: string;
  /** In the figure's display unit; null when that run measured none (no answers: no latency). */
  a: number | null;
  b: number | null;
  /** b / a; null when a is 0 (no finite ratio) or either is null. */
  ratio: number | null;
  /**
   * The two runs' per-interval spreads, each relative to the figure (standard deviation / mean;
   * for memory per connection / (RSS peak − RSS idle)), combined √(a² + b²); null when not
   * measurable. A run with nothing to be relative to (every interval 0: a model that answered
   * nothing) has its spread taken over the other run's base (its mean, or RSS peak − RSS idle)
   * instead — 0 when it is 0 throughout.
   */
  noise: number | null;
  /**
   * `differs` when the difference exceeds the noise (and {@link MIN_DIFFERENCE}): |ratio − 1|, or
   * 1 — all of B — when A is 0 and B is not (a model that started answering; one that stopped has
   * a ratio of 0); `within noise` otherwise, and when both are 0; `unknown` without a noise
   * figure, or when either run has no figure.
   */
  flag: 'differs' | 'within noise' | 'unknown';
}

export interface Comparison {
  a: { file: string; createdAt: string };
  b: { file: string; createdAt: string };
  /** What differs in how the two runs were made (machine, options), A beside B. */
  setup: { field: string; a: string; b: string }[];
  rows: ComparisonRow[];
  /** Scenario × model pairs only one report has. */
  unmatched: string[];
}

/**
 * Every figure of every scenario × model the two reports share, side by side with its ratio,
 * flagged when the difference is larger than the noise the reports measured themselves: the
 * spread of their per-interval samples, combined. The band is conservative — a run's mean
 * moves less than its seconds do — so a flag means a difference, not a maybe.
 */
export function compareReports(
  a: { file: string; report: ComparableReport },
  b: { file: string; report: ComparableReport },
): Comparison {
  const rows: ComparisonRow[] = [];
  const unmatched: string[] = [];
  const scenariosB = new Map(b.report.scenarios.map((s) => [s.id, s]));
  for (const scenario of a.report.scenarios) {
    const other = scenariosB.get(scenario.id);
    for (const ra of scenario.results) {
      const rb = other?.results.find((r) => r.model === ra.model);
      if (!rb) {
        unmatched.push(`${scenario.id}/${ra.model} (only in A)`);
        continue;
      }
      for (const figure of FIGURES) {
        if (figure.judge && figure.judge !== scenario.verdict?.judge) continue;
        const va = figure.value(ra.summary);
        const vb = figure.value(rb.summary);
        if (va === undefined || vb === undefined) continue;
        const ratio = va !== null && vb !== null && va > 0 ? vb / va : null;
        const cvA = spread(figure, ra, rb);
        const cvB = spread(figure, rb, ra);
        const noise = cvA === undefined || cvB === undefined ? null : Math.hypot(cvA, cvB);
        rows.push({
          scenario: scenario.id,
          model: ra.model,
          figure: figure.id,
          label: figure.label,
          a: va === null ? null : va * figure.scale,
          b: vb === null ? null : vb * figure.scale,
          ratio,
          noise,
          flag: flagOf(va, vb, noise),
        });
      }
    }
  }
  for (const scenario of b.report.scenarios) {
    const inA = a.report.scenarios.find((s) => s.id === scenario.id);
    for (const r of scenario.results)
      if (!inA?.results.some((x) => x.model === r.model))
        unmatched.push(`${scenario.id}/${r.model} (only in B)`);
  }
  return {
    a: { file: a.file, createdAt: a.report.createdAt },
    b: { file: b.file, createdAt: b.report.createdAt },
    setup: setupOf(a.report, b.report),
    rows,
    unmatched,
  };
}

function setupOf(a: ComparableReport, b: ComparableReport): Comparison['setup'] {
  const describe = (r: ComparableReport): Record<string, string> => ({
    machine: `${r.machine.cpus} × ${r.machine.cpuModel}`,
    node: r.machine.node,
    mode: r.run?.mode ?? 'local',
    models: r.options.models.join(', '),
    WORKERS: r.options.workers === null ? 'per service' : String(r.options.workers),
    'seconds per run': `${r.options.durationSeconds}${r.options.quick ? ' (quick)' : ''}`,
    driver: r.options.driver,
  });
  const da = describe(a);
  const db = describe(b);
  return Object.keys(da).map((field) => ({ field, a: da[field] ?? '', b: db[field] ?? '' }));
}
