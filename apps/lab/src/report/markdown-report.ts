import { markdownTable } from '@concurrency-lab/report-kit';
import { mib } from './format';
import type { Report } from './report-schema';
import { SUMMARY_HEADER, summaryRows } from './summary-rows';

/** report.md: the machine and options, the summary, each scenario's verdict, the lessons. */
export function markdownReport(report: Report): string {
  const { machine, options } = report;
  const parts = [
    `# concurrency-lab report`,
    ``,
    `${report.createdAt} · ${machine.cpus} × ${machine.cpuModel} · ${mib(machine.memoryBytes)} MiB · Node ${machine.node} (${machine.platform}/${machine.arch})`,
    ``,
    `Models ${options.models.join(', ')} with WORKERS=${options.workers}; ${options.durationSeconds} s measured per model and scenario after a ${options.warmupSeconds} s warm-up; driver ${options.driver}${options.quick ? ' (quick run)' : ''}.`,
    `Figures are of the measured stream; "vs best" is throughput relative to the scenario's best model.`,
    ``,
    `## Summary`,
    ``,
    markdownTable(SUMMARY_HEADER, summaryRows(report)),
    ``,
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
