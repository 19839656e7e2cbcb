import { MODEL_NAMES } from '@concurrency-lab/models';
import {
  chartFigure,
  escapeHtml as escape,
  htmlPage,
  markdownTable,
  markdownText,
  type Chart,
  type RenderedChart,
} from '@concurrency-lab/report-kit';
import { modelColor } from '../report/chart-specs';
import { fixed, latencyOrDash, mib } from '../report/format';
import { loadLine } from '../report/run-line';
import { hasAnswers } from '../report/verdict';
import type { Sweep } from './sweep-schema';

/** The sizing curves: one line per model over WORKERS, for throughput, p99 and RSS. */
export function sweepCharts(sweep: Sweep): Chart[] {
  const values = sweep.points.map((p) => ({
    model: p.model,
    workers: p.workers,
    rps: p.summary.rps,
    // No answer at this size: no point on the p99 curve (vega-lite's mean skips a null), not 0.
    p99Ms: hasAnswers(p.summary) ? p.summary.p99Ms : null,
    rssMiB: p.summary.rssPeakBytes / 2 ** 20,
  }));
  const guide = sweep.machine.cpus + 1;
  const color = modelColor(sweep.options.models);
  const line = (field: string, title: string) => ({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    background: 'white',
    width: 320,
    height: 220,
    layer: [
      {
        data: { values },
        mark: { type: 'line', point: true },
        encoding: {
          x: {
            field: 'workers',
            type: 'quantitative',
            title: 'WORKERS (pool size)',
            axis: { tickMinStep: 1 },
          },
          // the mean over the passes (one point per size and model when there is one pass)
          y: { field, type: 'quantitative', title, aggregate: 'mean' },
          color,
        },
      },
      {
        // The guide's advice, for the eye: N_CPU + 1.
        data: { values: [{ workers: guide }] },
        mark: { type: 'rule', strokeDash: [4, 4], color: '#888' },
        encoding: { x: { field: 'workers', type: 'quantitative' } },
      },
    ],
  });
  return [
    {
      id: 'sweep-throughput',
      title: 'Throughput by pool size (req/s)',
      spec: line('rps', 'req/s'),
    },
    { id: 'sweep-p99', title: 'p99 latency by pool size (ms)', spec: line('p99Ms', 'ms') },
    { id: 'sweep-rss', title: 'Peak RSS by pool size (MiB)', spec: line('rssMiB', 'MiB') },
  ];
}

/**
 * One heading per cell of {@link sweepRows}: `pass` is which pass over the sizes (1 = the first).
 */
export const SWEEP_HEADER = [
  'model',
  'WORKERS',
  'pass',
  'req/s',
  'p50 ms',
  'p99 ms',
  'RSS peak MiB',
  'CPU %',
];

export function sweepRows(sweep: Sweep): string[][] {
  const order = (p: Sweep['points'][number]) =>
    MODEL_NAMES.indexOf(p.model as never) * 1e6 + p.workers * 1e3 + p.repeat;
  return [...sweep.points]
    .sort((a, b) => order(a) - order(b))
    .map((p) => [
      p.model,
      String(p.workers),
      String(p.repeat + 1),
      fixed(p.summary.rps),
      latencyOrDash(p.summary, p.summary.p50Ms),
      latencyOrDash(p.summary, p.summary.p99Ms),
      mib(p.summary.rssPeakBytes),
      fixed(p.summary.cpuPercentMean, 0),
    ]);
}

const meta = (s: Sweep) =>
  `${s.createdAt} · ${s.machine.cpus} × ${s.machine.cpuModel} · Node ${s.machine.node} · ${loadLine(s.machine)} · scenario ${s.scenario.id} · WORKERS ${s.options.sizes[0]}…${s.options.sizes.at(-1)}${s.options.repeats > 1 ? `, ${s.options.repeats} passes (mean)` : ''} · ${s.options.durationSeconds} s per size and model${s.options.quick ? ' (quick)' : ''}`;

/** sweep.md */
export function sweepMarkdown(sweep: Sweep): string {
  return [
    '# concurrency-lab pool sizing sweep',
    '',
    // The CPU's name is outside text; the rest of the line is ours and holds nothing to escape.
    markdownText(meta(sweep)),
    '',
    `**${sweep.line}**`,
    '',
    ...sweep.knees.map((k) => `- ${k.line}`),
    '',
    markdownTable(SWEEP_HEADER, sweepRows(sweep)),
    '',
    `The knee: the smallest WORKERS whose throughput is within 10% of the model's best. ${markdownText(sweep.scenario.title)}.`,
    '',
  ].join('\n');
}

/** index.html: the line, the charts, the table. */
export function sweepHtml(sweep: Sweep, charts: RenderedChart[]): string {
  const rows = sweepRows(sweep)
    .map((r) => `<tr>${r.map((c) => `<td>${escape(c)}</td>`).join('')}</tr>`)
    .join('');
  return htmlPage({
    title: 'concurrency-lab pool sizing sweep',
    style: [
      '.meta { color: #555; } #knee { background: #f4f7fb; border-left: 4px solid #4c78a8; padding: .6rem 1rem; }',
      '.charts { display: flex; flex-wrap: wrap; gap: 1rem; } figure { margin: 1rem 0; } figcaption { font-weight: 600; }',
      'th, td { text-align: right; } th:first-child, td:first-child { text-align: left; }',
    ],
    body: `<h1>Pool sizing: ${escape(sweep.scenario.title)}</h1>
<p class="meta">${escape(meta(sweep))}</p>
<section id="knee"><p><strong>${escape(sweep.line)}</strong></p><ul>${sweep.knees.map((k) => `<li>${escape(k.line)}</li>`).join('')}</ul></section>
<div class="charts">${charts.map(chartFigure).join('')}</div>
<table><thead><tr>${SWEEP_HEADER.map((h) => `<th>${escape(h)}</th>`).join('')}</tr></thead><tbody>${rows}</tbody></table>
<p class="meta">The dashed line is the guide's N_CPU + 1. The knee: the smallest WORKERS whose throughput is within 10% of the model's best.</p>`,
  });
}
