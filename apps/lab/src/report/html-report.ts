import {
  chartFigure,
  escapeHtml as escape,
  htmlPage,
  htmlTable as table,
  type RenderedChart,
} from '@concurrency-lab/report-kit';
import { mib } from './format';
import type { Report } from './report-schema';
import { loadLine, runLine } from './run-line';
import { reportTables } from './summary-rows';

/** index.html: one self-contained page — inline CSS and SVG, no script, no network. */
/**
 * One lesson as a list item: green when it holds, red when it does not, grey when the run could
 * not check it (`holds: null`, e.g. `--models async` alone) — not red for a lesson never tried.
 */
export function lessonItem(l: Report['lessons'][number]): string {
  const [kind, mark] =
    l.holds === null
      ? ['unchecked', '—']
      : l.holds
        ? ['holds', '✔ holds']
        : ['fails', '✘ does not hold'];
  return `<li class="lesson ${kind}">${mark}: ${escape(l.claim)}. ${escape(l.figures)}.</li>`;
}

export function htmlReport(report: Report, charts: RenderedChart[]): string {
  const { machine } = report;
  const tables = reportTables(report)
    .map(
      (t) =>
        `<h2>${escape(t.heading)}</h2>\n${table(t.header, t.rows)}${t.note ? `\n<p class="note">${escape(t.note)}</p>` : ''}`,
    )
    .join('\n');
  return htmlPage({
    title: `concurrency-lab report · ${report.createdAt}`,
    style: [
      'h1 { margin-bottom: .2rem; } .meta { color: #555; }',
      'th, td { text-align: right; } th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }',
      'figure { margin: 2rem 0; overflow-x: auto; } figcaption { font-weight: 600; margin-bottom: .5rem; }',
      '.lesson.holds { color: #1b7f3a; } .lesson.fails { color: #b3261e; } .lesson.unchecked { color: #5f6368; }',
      '#choose { background: #f4f7fb; border-left: 4px solid #4c78a8; padding: .6rem 1rem; margin: 1rem 0; }',
      '#choose h2 { margin: 0 0 .4rem; font-size: 1.15rem; } #choose ul { margin: 0; padding-left: 1.2rem; }',
      '#choose li.caveat { list-style: none; margin-left: -1.2rem; color: #555; font-size: .92em; }',
      '.note { color: #555; font-size: .9em; max-width: 60rem; }',
    ],
    body: `<h1>concurrency-lab report</h1>
<p class="meta">${escape(report.createdAt)} · ${machine.cpus} × ${escape(machine.cpuModel)} · ${mib(machine.memoryBytes)} MiB · Node ${escape(machine.node)} · ${escape(loadLine(machine))} · ${escape(runLine(report))}</p>
<section id="choose"><h2>What to choose on this machine</h2><ul>${report.choose
      .map((line) =>
        line.startsWith('Caveat:')
          ? `<li class="caveat">${escape(line)}</li>`
          : `<li>${escape(line)}</li>`,
      )
      .join('')}</ul></section>
<h2>Lessons</h2>
<ul>${
      report.lessons.map(lessonItem).join('') ||
      '<li>(this run did not include the scenarios the lessons need)</li>'
    }</ul>
${charts.map(chartFigure).join('\n')}
${tables}
${report.scenarios.map((s) => `<h3>${escape(s.title)}</h3><p>${escape(s.lesson)}</p><p>${escape(s.verdict.note)}</p>`).join('\n')}`,
  });
}
