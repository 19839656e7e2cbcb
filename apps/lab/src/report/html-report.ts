import {
  escapeHtml as escape,
  htmlTable as table,
  type RenderedChart,
} from '@concurrency-lab/report-kit';
import { mib } from './format';
import type { Report } from './report-schema';
import { runLine } from './run-line';
import {
  CONNECTIONS_HEADER,
  connectionRows,
  SUMMARY_HEADER,
  SUMMARY_NOTE,
  summaryRows,
} from './summary-rows';

/** index.html: one self-contained page — inline CSS and SVG, no script, no network. */
export function htmlReport(report: Report, charts: RenderedChart[]): string {
  const { machine } = report;
  const connections = connectionRows(report);
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
  #choose { background: #f4f7fb; border-left: 4px solid #4c78a8; padding: .6rem 1rem; margin: 1rem 0; }
  #choose h2 { margin: 0 0 .4rem; font-size: 1.15rem; } #choose ul { margin: 0; padding-left: 1.2rem; }
  #choose li.caveat { list-style: none; margin-left: -1.2rem; color: #555; font-size: .92em; }
  .note { color: #555; font-size: .9em; max-width: 60rem; }
</style>
</head>
<body>
<h1>concurrency-lab report</h1>
<p class="meta">${escape(report.createdAt)} · ${machine.cpus} × ${escape(machine.cpuModel)} · ${mib(machine.memoryBytes)} MiB · Node ${escape(machine.node)} · load average ${machine.loadAverage.start[0]?.toFixed(1)} at the start · ${escape(runLine(report))}</p>
<section id="choose"><h2>What to choose on this machine</h2><ul>${report.choose
    .map((line) =>
      line.startsWith('Caveat:')
        ? `<li class="caveat">${escape(line)}</li>`
        : `<li>${escape(line)}</li>`,
    )
    .join('')}</ul></section>
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
<p class="note">${escape(SUMMARY_NOTE)}</p>
${connections.length ? `<h2>Holding connections: memory per connection</h2>\n${table(CONNECTIONS_HEADER, connections)}\n<p class="note">Memory per connection = (RSS peak while holding the connections − RSS just before the warm-up) / connections, for the whole process tree; an upper bound, as it includes what the first requests allocate.</p>` : ''}
<h2>Verdict beside the guide</h2>
${table(['scenario', 'best throughput', 'best p99', 'least memory', 'guide says', 'agrees'], verdicts)}
${report.scenarios.map((s) => `<h3>${escape(s.title)}</h3><p>${escape(s.lesson)}</p><p>${escape(s.verdict.note)}</p>`).join('\n')}
</body>
</html>
`;
}
