import { MODEL_NAMES } from '@concurrency-lab/models';
import { NO_FIGURE, type Chart, type ChartSpec } from '@concurrency-lab/report-kit';
import type { Report } from './report-schema';
import { hasAnswers } from './verdict';

/** Tableau 10: distinct, and readable on white; one per model in registry order. */
const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2'];

/**
 * The colour encoding of a chart of `models`: each in its registry colour, whatever else ran, and
 * only those in the legend — a run of `async` alone lists one model, not the registry's five.
 * The lab's report and the sweep's page both colour their models with it.
 */
export const modelColor = (models: readonly string[]) => ({
  field: 'model',
  type: 'nominal',
  title: 'model',
  scale: {
    domain: MODEL_NAMES.filter((m) => models.includes(m)),
    range: MODEL_NAMES.flatMap((m, i) => (models.includes(m) ? [PALETTE[i] ?? '#888'] : [])),
  },
});

/** The figures sampled over a measurement, one line chart each. */
const SAMPLED_FIELDS = ['rssMiB', 'cpuPercent', 'lagP99Ms'] as const;
type SampledField = (typeof SAMPLED_FIELDS)[number];

const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white' };

/**
 * The report's charts as data + vega-lite specs; rendering to SVG is report-kit's `renderCharts`.
 */
export function chartSpecs(report: Report): Chart[] {
  // Scenarios in the catalog's order and models in the contract's, not alphabetically.
  const scenarioOrder = report.scenarios.map((s) => s.id);
  const color = modelColor(report.options.models);
  const modelOrder = color.scale.domain;
  const summaries = report.scenarios.flatMap((s) =>
    s.results.map((r) => ({ scenario: s.id, model: r.model, ...r.summary })),
  );
  // A model that answered nothing has no latency (its 0s are "none came"): no bars, not flat ones.
  const percentiles = summaries.filter(hasAnswers).flatMap((r) =>
    (['p50Ms', 'p95Ms', 'p99Ms'] as const).map((p) => ({
      scenario: r.scenario,
      model: r.model,
      percentile: p.slice(0, 3),
      ms: r[p],
    })),
  );
  const series = report.scenarios.flatMap((s) =>
    s.results.flatMap((r) =>
      r.samples.map((x, i) => ({
        scenario: s.id,
        model: r.model,
        ...x,
        rssMiB: x.rssBytes / 2 ** 20,
        // As in the summary (summarize.ts): the first sample's CPU, lag and ELU cover the time
        // before the measurement (the warm-up, other models' runs), so they are no point of it.
        // Its RSS is a reading of the moment and stays.
        ...(i === 0 ? { cpuPercent: null, lagP99Ms: null, elu: null } : {}),
      })),
    ),
  );
  /**
   * Per sampled figure, the scenarios with at least one reading of it (one pass over the series).
   */
  const readIn: Record<SampledField, Set<string>> = {
    rssMiB: new Set(),
    cpuPercent: new Set(),
    lagP99Ms: new Set(),
  };
  for (const x of series)
    for (const field of SAMPLED_FIELDS) if (x[field] !== null) readIn[field].add(x.scenario);
  /**
   * One small line chart per scenario: a sampled figure over the measurement. A scenario with no
   * reading of the figure at all (every /metrics scrape unanswered: a loop blocked by CPU work)
   * gets no panel — an axis over nothing reads "from NaN to NaN" — and `unread` names it.
   */
  const overTime = (field: SampledField, title: string): ChartSpec => ({
    ...base,
    // Each point's label (the SVG's aria-label), as vega-lite words it but for a gap: vega-lite
    // writes the value as it is, `null`, where the tables and the README show a dash.
    data: {
      values: series
        .filter((x) => readIn[field].has(x.scenario))
        .map((x) => ({
          ...x,
          description: [
            `seconds into the measurement: ${x.t}`,
            `${title}: ${x[field] ?? NO_FIGURE}`,
            `model: ${x.model}`,
          ].join('; '),
        })),
    },
    facet: { field: 'scenario', type: 'nominal', title: null, sort: scenarioOrder },
    columns: 3,
    spec: {
      width: 220,
      height: 140,
      mark: { type: 'line', point: false },
      encoding: {
        x: { field: 't', type: 'quantitative', title: 'seconds into the measurement' },
        y: { field, type: 'quantitative', title },
        color,
        description: { field: 'description', type: 'nominal' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  });
  /** `title`, and the scenarios with no reading of `field`, if any: their panels are left out. */
  const unread = (field: SampledField, title: string) => {
    const none = scenarioOrder.filter((id) => !readIn[field].has(id));
    return none.length ? `${title} — no reading in ${none.join(', ')}` : title;
  };
  /** A group of bars per scenario, one per model (plus whatever `encoding` adds). */
  const barsPerScenario = (values: unknown[], encoding: Record<string, unknown>): ChartSpec => ({
    ...base,
    data: { values },
    width: 110,
    height: 220,
    mark: 'bar',
    encoding: {
      column: { field: 'scenario', type: 'nominal', title: null, sort: scenarioOrder },
      x: { field: 'model', type: 'nominal', axis: null, sort: modelOrder },
      color,
      ...encoding,
    },
    resolve: { scale: { y: 'independent' } },
  });
  const percentileOrder = ['p50', 'p95', 'p99'];
  return [
    {
      id: 'throughput',
      title: 'Throughput (2xx answers per second)',
      spec: barsPerScenario(summaries, {
        y: { field: 'rps', type: 'quantitative', title: 'req/s' },
      }),
    },
    {
      id: 'latency',
      title: 'Latency percentiles of the measured requests (ms)',
      spec: barsPerScenario(percentiles, {
        xOffset: { field: 'percentile', type: 'nominal', sort: percentileOrder },
        y: { field: 'ms', type: 'quantitative', title: 'ms' },
        opacity: {
          field: 'percentile',
          type: 'ordinal',
          sort: percentileOrder,
          scale: { domain: percentileOrder, range: [0.45, 0.7, 1] },
        },
      }),
    },
    {
      id: 'rss',
      title: unread('rssMiB', 'Memory: RSS of the whole process tree over time (MiB)'),
      spec: overTime('rssMiB', 'MiB'),
    },
    {
      id: 'cpu',
      title: unread('cpuPercent', 'CPU over time (% of one core)'),
      spec: overTime('cpuPercent', '% of a core'),
    },
    {
      id: 'lag',
      title: unread('lagP99Ms', 'Event-loop delay p99 over time (ms)'),
      spec: overTime('lagP99Ms', 'ms'),
    },
  ];
}
