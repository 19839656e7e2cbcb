import { textTable, wrap } from '@concurrency-lab/report-kit';
import type { Demo, DemoResult, Verdict } from './demo';

/** The terminal width every line of a demo's output fits. */
export const COLUMNS = 80;

/** The last line of a demo's output, exactly as the contract gives it. */
export const verdictLine = (name: string, verdict: Verdict): string =>
  verdict.holds ? `${name}: lesson holds` : `${name}: lesson does not hold here: ${verdict.why}`;

/** What is printed before the demo runs: its name, the guide's section, what it shows. */
export function renderHeader(demo: Demo): string {
  const title = `${demo.name} — ${demo.mirrors}`;
  return [...wrap(title, COLUMNS), ...wrap(demo.describe, COLUMNS, '  ')].join('\n');
}

/** What is printed once it has run: the table, the notes, why, and the verdict line. */
export function renderResult(demo: Demo, result: DemoResult): string {
  const { table, notes = [], verdict } = result;
  return [
    '',
    textTable(table.header, table.rows, { align: table.align }),
    '',
    ...notes.flatMap((note) => wrap(note, COLUMNS)),
    ...(verdict.holds ? wrap(`The lesson holds because ${verdict.why}.`, COLUMNS) : []),
    verdictLine(demo.name, verdict),
  ].join('\n');
}
