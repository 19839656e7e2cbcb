import { renderCharts } from '@concurrency-lab/report-kit';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chartSpecs } from './chart-specs';
import { htmlReport } from './html-report';
import { markdownReport } from './markdown-report';
import { reportSchema, type Report } from './report-schema';

/**
 * Writes reports/<timestamp>/{report.json,report.md,index.html} and points reports/latest at
 * it. The report is validated against its schema first: a malformed report is a bug, not a file.
 */
export async function writeReport(report: Report, root: string): Promise<string> {
  reportSchema.parse(report);
  const stamp = report.createdAt.replace(/[:.]/g, '-');
  const dir = join(root, stamp);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(dir, 'report.md'), markdownReport(report));
  writeFileSync(
    join(dir, 'index.html'),
    htmlReport(report, await renderCharts(chartSpecs(report))),
  );
  const latest = join(root, 'latest');
  rmSync(latest, { force: true, recursive: true });
  symlinkSync(stamp, latest, 'dir');
  return dir;
}
