import { markdownTable } from '@concurrency-lab/report-kit';
import { bytes, fixed } from '../format';
import { commandFor } from '../knobs';
import { verdictLine } from '../render';
import type { LessonsReport } from './write-lessons-report';

/** The line under the title: when, on what. */
export function machineLine({ createdAt, machine }: LessonsReport): string {
  return `${createdAt} · ${machine.cpus} × ${machine.cpuModel} · ${bytes(machine.memoryBytes)} · Node ${machine.node} (${machine.platform}/${machine.arch}) · load ${machine.loadavg.map((l) => fixed(l)).join(' ')}`;
}

/** lessons.md: the verdicts at a glance, then each lesson's table and notes. */
export function lessonsMarkdown(report: LessonsReport): string {
  const held = report.lessons.filter((l) => l.result.verdict.holds).length;
  return [
    '# The guide’s lessons, run and checked',
    '',
    machineLine(report),
    '',
    `${held} of ${report.lessons.length} lessons hold on this machine. Each demo measured what it prints; the verdict comes from those figures. Rerun one with \`npm run demo -- <name>\`.`,
    '',
    markdownTable(
      ['demo', 'mirrors', 'verdict'],
      report.lessons.map((l) => [
        `[${l.name}](#${l.name})`,
        l.mirrors,
        l.result.verdict.holds ? `✔ ${l.result.verdict.why}` : `**✘** ${l.result.verdict.why}`,
      ]),
    ),
    '',
    ...report.lessons.flatMap((l) => [
      `## ${l.name}`,
      '',
      `_${l.mirrors}_ — ${l.describe}`,
      '',
      `Ran as \`${commandFor(l.name, l.options)}\`.`,
      '',
      markdownTable(l.result.table.header, l.result.table.rows),
      '',
      ...(l.result.notes ?? []).map((n) => `- ${n}`),
      '',
      `\`${verdictLine(l.name, l.result.verdict)}\` (${fixed(l.durationMs / 1000)} s)`,
      '',
    ]),
  ].join('\n');
}
