import { wrap } from '@concurrency-lab/report-kit';
import type { Drill } from './drill';

/** The widest line of `--help` (its option lines are this wide). */
export const HELP_COLUMNS = 100;
/** Where the option descriptions of `--help` start, and so the drills' too. */
const INDENT = ' '.repeat(20);

/**
 * The drills for `--help`, in the order they run: each one's name, what it does and requires,
 * and what its figure in the table's recovery column measures (none where it has none).
 */
export function drillsHelp(drills: readonly Drill[]): string {
  const lines = ['Drills (--drills):'];
  for (const drill of drills) {
    const [first = '', ...rest] = wrap(drill.summary, HELP_COLUMNS, INDENT);
    lines.push(`  ${drill.name.padEnd(INDENT.length - 3)} ${first.trimStart()}`, ...rest);
    if (drill.recovery !== '—') {
      lines.push(...wrap(`recovery column: ${drill.recovery}`, HELP_COLUMNS, INDENT));
    }
  }
  return lines.join('\n');
}
