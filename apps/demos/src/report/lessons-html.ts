import {
  chartFigure,
  escapeHtml,
  htmlPage,
  htmlTable,
  type RenderedChart,
} from '@concurrency-lab/report-kit';
import { fixed } from '../format';
import { commandFor } from '../knobs';
import { verdictLine } from '../render';
import { machineLine } from './lessons-markdown';
import type { LessonsReport } from './write-lessons-report';

/** lessons.html: one self-contained page — inline CSS and SVG, no script, no network. */
export function lessonsHtml(report: LessonsReport, charts: readonly RenderedChart[]): string {
  const held = report.lessons.filter((l) => l.result.verdict.holds).length;
  const chartFor = (name: string) =>
    charts
      .filter((c) => c.id === name)
      .map(chartFigure)
      .join('');
  const lessons = report.lessons.map((l) => {
    const { verdict, table, notes = [] } = l.result;
    return `<section id="${escapeHtml(l.name)}">
<h2>${escapeHtml(l.name)} <small>${escapeHtml(l.mirrors)}</small></h2>
<p>${escapeHtml(l.describe)}</p>
<p>Ran as <code>${escapeHtml(commandFor(l.name, l.options))}</code>.</p>
${htmlTable(table.header, table.rows)}
${notes.length ? `<ul>${notes.map((n) => `<li>${escapeHtml(n)}</li>`).join('')}</ul>` : ''}
${chartFor(l.name)}
<p class="verdict ${verdict.holds ? 'holds' : 'fails'}"><code>${escapeHtml(verdictLine(l.name, verdict))}</code>${verdict.holds ? ` · ${escapeHtml(verdict.why)}` : ''} · ${fixed(l.durationMs / 1000)} s</p>
</section>`;
  });
  const summary = htmlTable(
    ['demo', 'mirrors', 'verdict'],
    report.lessons.map((l) => [
      l.name,
      l.mirrors,
      `${l.result.verdict.holds ? '✔' : '✘'} ${l.result.verdict.why}`,
    ]),
  );
  return htmlPage({
    title: `concurrency-lab lessons · ${report.createdAt}`,
    maxWidth: 1000,
    style: [
      'h1 { margin-bottom: .2rem; } .meta { color: #555; } h2 small { font-weight: normal; color: #555; font-size: .7em; }',
      'th, td { text-align: left; }',
      'figure { margin: 1.5rem 0; overflow-x: auto; } figcaption { font-weight: 600; margin-bottom: .5rem; }',
      '.verdict.holds { color: #1b7f3a; } .verdict.fails { color: #b3261e; }',
      'section { border-top: 1px solid #eee; margin-top: 2rem; }',
    ],
    body: `<h1>The guide’s lessons, run and checked</h1>
<p class="meta">${escapeHtml(machineLine(report))}</p>
<p>${held} of ${report.lessons.length} lessons hold on this machine. Each demo measured what it shows; its verdict comes from those figures. Rerun one with <code>npm run demo -- &lt;name&gt;</code>.</p>
${summary}
${lessons.join('\n')}`,
  });
}
