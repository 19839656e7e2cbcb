import { markdownTable, markdownText } from '@concurrency-lab/report-kit';
import { mib } from './format';
import type { Report } from './report-schema';
import { loadLine, runLine } from './run-line';
import { reportTables } from './summary-rows';

/**
 * report.md: the machine and options, the summary, each scenario's verdict, the lessons. A line
 * that carries outside text — the CPU's name, a target's URL, a workload's description and path
 * (in the run line, `choose`, and the workload scenarios' titles and lessons) — goes through
 * `markdownText`, so it stays one line of text and cannot add a heading, HTML or a code span.
 * Our own prose in those lines holds none of what it escapes, so it reads as before.
 */
export function markdownReport(report: Report): string {
  const { machine } = report;
  const parts = [
    `# concurrency-lab report`,
    ``,
    `${report.createdAt} · ${machine.cpus} × ${markdownText(machine.cpuModel)} · ${mib(machine.memoryBytes)} MiB · Node ${machine.node} (${machine.platform}/${machine.arch}) · ${loadLine(machine)}`,
    ``,
    `## What to choose on this machine`,
    ``,
    ...report.choose.map((line) => `- ${markdownText(line)}`),
    ``,
    `${markdownText(runLine(report))}.`,
    `Figures are of the measured stream; "vs best" is throughput relative to the scenario's best model.`,
    ``,
    ...reportTables(report, (cell) => `**${cell}**`).flatMap((t) => [
      `## ${t.heading}`,
      ``,
      markdownTable(t.header, t.rows),
      ``,
      ...(t.note ? [t.note, ``] : []),
    ]),
    ...report.scenarios.flatMap((s) => [
      `### ${markdownText(s.title)}`,
      ``,
      markdownText(s.lesson),
      ``,
      s.verdict.note,
      ``,
    ]),
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
