import { folderStamp, textTable, writeReportFolder } from '@concurrency-lab/report-kit';
import { dirname, join, resolve } from 'node:path';
import { commandOptions } from '../command-options';
import { UsageError } from '../errors';
import { parseCommandArgs, REPORT_OPTIONS, reportOptionsOf } from '../option-schemas';
import { checkOutFolder, notWritten } from '../out-folder';
import { fail, refuse } from '../refuse';
import { whereWritten } from '../report/where-written';
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
  const { values, positionals } = parseCommandArgs(argv, REPORT_OPTIONS, true);
  if (values['help']) return 'help';
  if (positionals.length !== 2) {
    throw new UsageError(
      `Expected two reports to compare, got ${positionals.length}${positionals.length ? ` (${positionals.join(', ')})` : ''}`,
    );
  }
  const [a, b] = positionals as [string, string];
  return { a, b, ...reportOptionsOf(values) };
}

/** `lab compare A B`: writes the comparison page and prints its table. */
export function compareCommand(argv: string[]): number {
  const options = commandOptions(argv, parseCompareOptions, COMPARE_USAGE);
  if (typeof options === 'number') return options;
  let comparison;
  let out: string;
  try {
    comparison = compareReports(readReport(options.a), readReport(options.b));
    // A `--out` that is a file (or under one) is refused, coded, instead of a raw EEXIST.
    out = checkOutFolder(
      resolve(
        options.out ??
          join(
            dirname(dirname(comparison.b.file)),
            `compare-${folderStamp(comparison.a.createdAt)}-vs-${folderStamp(comparison.b.createdAt)}`,
          ),
      ),
    );
  } catch (error) {
    return refuse(error);
  }
  try {
    writeReportFolder(out, {
      'compare.json': comparison,
      'compare.md': compareMarkdown(comparison),
      'index.html': compareHtml(comparison),
    });
  } catch (error) {
    return fail(notWritten('comparison', out, error));
  }
  if (options.json) {
    process.stdout.write(`${JSON.stringify({ out, ...comparison })}\n`);
  } else {
    const differing = comparison.rows.filter((r) => r.flag === 'differs');
    // What the runs were asked to do differently (WORKERS 2 vs 1) explains figures first: the
    // page and compare.md show the whole setup, the terminal what differs of it.
    const setup = comparison.setup.filter((s) => s.a !== s.b);
    process.stdout.write(
      [
        ...(setup.length
          ? [
              'The runs were set up differently:',
              textTable(
                ['setup', 'A', 'B'],
                setup.map((s) => [s.field, s.a, s.b]),
              ),
              '',
            ]
          : []),
        `${differing.length} of ${comparison.rows.length} figures differ beyond the runs’ own noise${differing.length ? ':' : '.'}`,
        ...(differing.length ? ['', textTable(COMPARE_HEADER, differing.map(compareCells))] : []),
        '',
        ...whereWritten('comparison', out, 'compare.md'),
        '',
      ].join('\n'),
    );
  }
  return 0;
}
