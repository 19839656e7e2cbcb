import { markdownTable } from '@concurrency-lab/report-kit';
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

/** report.md: the machine and options, the summary, each scenario's verdict, the lessons. */
export function markdownReport(report: Report): string {
  const { machine } = report;
  const connections = connectionRows(report);
  const parts = [
    `# concurrency-lab report`,
    ``,
    `${report.createdAt} · ${machine.cpus} × ${machine.cpuModel} · ${mib(machine.memoryBytes)} MiB · Node ${machine.node} (${machine.platform}/${machine.arch}) · load average ${machine.loadAverage.start[0]?.toFixed(1)} at the start`,
    ``,
    `## What to choose on this machine`,
    ``,
    ...report.choose.map((line) => `- ${line}`),
    ``,
    `${runLine(report)}.`,
    `Figures are of the measured stream; "vs best" is throughput relative to the scenario's best model.`,
    ``,
    `## Summary`,
    ``,
    markdownTable(SUMMARY_HEADER, summaryRows(report)),
    ``,
    SUMMARY_NOTE,
    ``,
    ...(connections.length
      ? [
          `## Holding connections: memory per connection`,
          ``,
          markdownTable(CONNECTIONS_HEADER, connections),
          ``,
          `Memory per connection = (RSS peak while holding the connections − RSS just before the warm-up) / connections, for the whole process tree; an upper bound, as it includes what the first requests allocate.`,
          ``,
        ]
      : []),
    `## Verdict beside the guide`,
    ``,
    markdownTable(
      ['scenario', 'best throughput', 'best p99', 'least memory', 'guide says', 'agrees'],
      report.scenarios.map((s) => [
        s.id,
        s.verdict.throughput,
        s.verdict.p99,
        s.verdict.memory,
        s.guide.text,
        s.verdict.agreesWithGuide ? 'yes' : '**no**',
      ]),
    ),
    ``,
    ...report.scenarios.flatMap((s) => [`### ${s.title}`, ``, s.lesson, ``, s.verdict.note, ``]),
    `## Lessons`,
    ``,
    ...(report.lessons.length
      ? report.lessons.map(
          (l) =>
            `- ${l.holds === null ? '—' : l.holds ? '✔ holds' : '✘ does not hold'}: ${l.claim}. ${l.figures}.`,
        )
      : ['- (this run did not include the scenarios the lessons need)']),
    ``,
  ];
  return parts.join('\n');
}
