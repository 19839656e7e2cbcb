import { MODEL_NAMES } from '@concurrency-lab/models';
import type { Chart, ChartSpec } from '@concurrency-lab/report-kit';
import type { Report } from './report-schema';

/** Tableau 10: distinct, and readable on white; one per model in registry order. */
const PALETTE = ['#4c78a8', '#f58518', '#54a24b', '#e45756', '#72b7b2', '#eeca3b', '#b279a2'];
const MODEL_COLORS = {
  domain: [...MODEL_NAMES],
  range: PALETTE.slice(0, MODEL_NAMES.length),
};
const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white' };
const color = { field: 'model', type: 'nominal', scale: MODEL_COLORS, title: 'model' };

/** The report's charts as data + vega-lite specs; rendering to SVG is report-kit's `renderCharts`. */
export function chartSpecs(report: Report): Chart[] {
  // Scenarios in the catalog's order and models in the contract's, not alphabetically.
  const scenarioOrder = report.scenarios.map((s) => s.id);
  const modelOrder = MODEL_COLORS.domain;
  const summaries = report.scenarios.flatMap((s) =>
    s.results.map((r) => ({ scenario: s.id, model: r.model, ...r.summary })),
  );
  const percentiles = summaries.flatMap((r) =>
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
  /** One small line chart per scenario: a sampled figure over the measurement. */
  const overTime = (field: string, title: string): ChartSpec => ({
    ...base,
    data: { values: series },
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
      },
    },
    resolve: { scale: { y: 'independent' } },
  });
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
      title: 'Memory: RSS of the whole process tree over time (MiB)',
      spec: overTime('rssMiB', 'MiB'),
    },
    {
      id: 'cpu',
      title: 'CPU over time (% of one core)',
      spec: overTime('cpuPercent', '% of a core'),
    },
    { id: 'lag', title: 'Event-loop delay p99 over time (ms)', spec: overTime('lagP99Ms', 'ms') },
  ];
}
