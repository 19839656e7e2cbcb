import {
  escapeHtml as escape,
  htmlTable as table,
  type RenderedChart,
} from '@concurrency-lab/report-kit';
import { fixed, mib } from './format';
import type { Report } from './report-schema';
import { SUMMARY_HEADER, summaryRows } from './summary-rows';

/** index.html: one self-contained page — inline CSS and SVG, no script, no network. */
export function htmlReport(report: Report, charts: RenderedChart[]): string {
  const { machine, options } = report;
  const verdicts = report.scenarios.map((s) => [
    s.id,
    s.verdict.throughput,
    s.verdict.p99,
    s.verdict.memory,
    s.guide.text,
    s.verdict.agreesWithGuide ? 'yes' : 'no',
  ]);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>concurrency-lab report · ${escape(report.createdAt)}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; color: #222; padding: 0 1rem; }
  h1 { margin-bottom: .2rem; } .meta { color: #555; }
  table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; text-align: right; }
  th:nth-child(-n+2), td:nth-child(-n+2) { text-align: left; }
  figure { margin: 2rem 0; overflow-x: auto; } figcaption { font-weight: 600; margin-bottom: .5rem; }
  .lesson.holds { color: #1b7f3a; } .lesson.fails { color: #b3261e; }
</style>
</head>
<body>
<h1>concurrency-lab report</h1>
<p class="meta">${escape(report.createdAt)} · ${machine.cpus} × ${escape(machine.cpuModel)} · ${mib(machine.memoryBytes)} MiB · Node ${escape(machine.node)} · WORKERS=${options.workers} · ${fixed(options.durationSeconds, 1)} s per run · driver ${escape(options.driver)}${options.quick ? ' · quick run' : ''}</p>
<h2>Lessons</h2>
<ul>${
    report.lessons
      .map(
        (l) =>
          `<li class="lesson ${l.holds ? 'holds' : 'fails'}">${l.holds === null ? '—' : l.holds ? '✔ holds' : '✘ does not hold'}: ${escape(l.claim)}. ${escape(l.figures)}.</li>`,
      )
      .join('') || '<li>(this run did not include the scenarios the lessons need)</li>'
  }</ul>
${charts.map((c) => `<figure id="chart-${c.id}" class="chart"><figcaption>${escape(c.title)}</figcaption>${c.svg}</figure>`).join('\n')}
<h2>Summary</h2>
${table(SUMMARY_HEADER, summaryRows(report))}
<h2>Verdict beside the guide</h2>
${table(['scenario', 'best throughput', 'best p99', 'least memory', 'guide says', 'agrees'], verdicts)}
${report.scenarios.map((s) => `<h3>${escape(s.title)}</h3><p>${escape(s.lesson)}</p><p>${escape(s.verdict.note)}</p>`).join('\n')}
</body>
</html>
`;
}
