import { textTable } from '@concurrency-lab/report-kit';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UsageError } from '../errors';
import { parseCommandArgs } from '../option-schemas';
import { refuse } from '../refuse';
import { COMPARE_HEADER, compareCells, compareHtml, compareMarkdown } from './compare-page';
import { compareReports } from './compare-reports';
import { readReport } from './read-report';

export const COMPARE_USAGE = `Usage: lab compare <reportA> <reportB> [--out dir] [--json]

Puts two lab reports side by side — before/after a change, 2 vs 8 cores, WORKERS=2 vs 4 —
every figure of every scenario × model with its ratio B/A, flagged when the difference is
larger than the noise the runs measured themselves (the spread of their sampling intervals).
A report is a report folder (reports/<timestamp>, reports/latest) or its report.json.

  --out dir     where compare.md, index.html and compare.json go
                default: reports/compare-<A's time>-vs-<B's time> beside report B
  --json        print the comparison as JSON instead of the table
  -h, --help    this text`;

export interface CompareOptions {
  a: string;
  b: string;
  out: string | undefined;
  json: boolean;
}

/** @throws UsageError naming what is wrong */
export function parseCompareOptions(argv: string[]): CompareOptions | 'help' {
  const { values, positionals } = parseCommandArgs(
    argv,
    { out: { type: 'string' }, json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values['help']) return 'help';
  if (positionals.length !== 2) {
    throw new UsageError(
      `Expected two reports to compare, got ${positionals.length}${positionals.length ? ` (${positionals.join(', ')})` : ''}`,
    );
  }
  const [a, b] = positionals as [string, string];
  return { a, b, out: values['out'] as string | undefined, json: values['json'] === true };
}

const stamp = (createdAt: string) => createdAt.replace(/[:.]/g, '-');

/** `lab compare A B`: writes the comparison page and prints its table. */
export async function compareCommand(argv: string[]): Promise<number> {
  let options: CompareOptions | 'help';
  try {
    options = parseCompareOptions(argv);
  } catch (error) {
    return refuse(error, COMPARE_USAGE);
  }
  if (options === 'help') {
    process.stdout.write(`${COMPARE_USAGE}\n`);
    return 0;
  }
  let comparison;
  try {
    comparison = compareReports(readReport(options.a), readReport(options.b));
  } catch (error) {
    return refuse(error);
  }
  const out = resolve(
    options.out ??
      join(
        dirname(dirname(comparison.b.file)),
        `compare-${stamp(comparison.a.createdAt)}-vs-${stamp(comparison.b.createdAt)}`,
      ),
  );
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'compare.json'), `${JSON.stringify(comparison, null, 2)}\n`);
  writeFileSync(join(out, 'compare.md'), compareMarkdown(comparison));
  writeFileSync(join(out, 'index.html'), compareHtml(comparison));
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ out, ...comparison })}\n`);
  } else {
    const differing = comparison.rows.filter((r) => r.flag === 'differs');
    process.stdout.write(
      [
        `${differing.length} of ${comparison.rows.length} figures differ beyond the runs’ own noise${differing.length ? ':' : '.'}`,
        ...(differing.length ? ['', textTable(COMPARE_HEADER, differing.map(compareCells))] : []),
        '',
        `comparison: ${join(out, 'index.html')}`,
        `            ${join(out, 'compare.md')}`,
        '',
      ].join('\n'),
    );
  }
  return 0;
}
