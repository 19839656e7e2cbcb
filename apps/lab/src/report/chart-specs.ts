import type { Report } from './report-schema';

/** A vega-lite specification (kept loose: vega-lite validates it when compiling). */
export type ChartSpec = Record<string, unknown>;

export interface Chart {
  id: string;
  title: string;
  spec: ChartSpec;
}

const MODEL_COLORS = {
  domain: ['async', 'threads', 'cluster'],
  range: ['#4c78a8', '#f58518', '#54a24b'],
};
const base = { $schema: 'https://vega.github.io/schema/vega-lite/v6.json', background: 'white' };
const color = { field: 'model', type: 'nominal', scale: MODEL_COLORS, title: 'model' };

/** The report's charts as data + vega-lite specs; rendering to SVG is `render-charts.ts`. */
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
      r.samples.map((x) => ({
        scenario: s.id,
        model: r.model,
        ...x,
        rssMiB: x.rssBytes / 2 ** 20,
      })),
    ),
  );
  const timeChart = (field: string, title: string): ChartSpec => ({
    ...base,
    data: { values: series },
    mark: { type: 'line', point: false },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds into the measurement' },
      y: { field, type: 'quantitative', title },
      color,
    },
    facet: undefined,
  });
  const faceted = (inner: ChartSpec): ChartSpec => {
    const { data, $schema, background, ...rest } = inner as {
      data: unknown;
      $schema: string;
      background: string;
    };
    return {
      $schema,
      background,
      data,
      facet: { field: 'scenario', type: 'nominal', title: null, sort: scenarioOrder },
      columns: 3,
      spec: { width: 220, height: 140, ...rest, facet: undefined },
      resolve: { scale: { y: 'independent' } },
    };
  };
  return [
    {
      id: 'throughput',
      title: 'Throughput (2xx answers per second)',
      spec: {
        ...base,
        data: { values: summaries },
        width: 110,
        height: 220,
        mark: 'bar',
        encoding: {
          column: { field: 'scenario', type: 'nominal', title: null, sort: scenarioOrder },
          x: { field: 'model', type: 'nominal', axis: null, sort: modelOrder },
          y: { field: 'rps', type: 'quantitative', title: 'req/s' },
          color,
        },
        resolve: { scale: { y: 'independent' } },
      },
    },
    {
      id: 'latency',
      title: 'Latency percentiles of the measured requests (ms)',
      spec: {
        ...base,
        data: { values: percentiles },
        width: 110,
        height: 220,
        mark: 'bar',
        encoding: {
          column: { field: 'scenario', type: 'nominal', title: null, sort: scenarioOrder },
          x: { field: 'model', type: 'nominal', axis: null, sort: modelOrder },
          xOffset: { field: 'percentile', type: 'nominal', sort: ['p50', 'p95', 'p99'] },
          y: { field: 'ms', type: 'quantitative', title: 'ms' },
          color,
          opacity: {
            field: 'percentile',
            type: 'ordinal',
            sort: ['p50', 'p95', 'p99'],
            scale: { domain: ['p50', 'p95', 'p99'], range: [0.45, 0.7, 1] },
          },
        },
        resolve: { scale: { y: 'independent' } },
      },
    },
    {
      id: 'rss',
      title: 'Memory: RSS of the whole process tree over time (MiB)',
      spec: faceted(timeChart('rssMiB', 'MiB')),
    },
    {
      id: 'cpu',
      title: 'CPU over time (% of one core)',
      spec: faceted(timeChart('cpuPercent', '% of a core')),
    },
    {
      id: 'lag',
      title: 'Event-loop delay p99 over time (ms)',
      spec: faceted(timeChart('lagP99Ms', 'ms')),
    },
  ];
}
