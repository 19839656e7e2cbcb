import { folderStamp, renderCharts, writeReportFolder } from '@concurrency-lab/report-kit';
import { join } from 'node:path';
import { chartSpecs } from './chart-specs';
import { htmlReport } from './html-report';
import { markdownReport } from './markdown-report';
import { reportSchema, type Report } from './report-schema';

/**
 * Writes reports/<timestamp>/{report.json,report.md,index.html} and points reports/latest at
 * it. The report is validated against its schema first: a malformed report is a bug, not a file.
 * `charts` draws the page's charts: report-kit's vega renderer, an ES module that only a real
 * process loads (the unit tests pass one drawing none; the e2e tests draw them).
 */
export async function writeReport(
  report: Report,
  root: string,
  charts: typeof renderCharts = renderCharts,
): Promise<string> {
  reportSchema.parse(report);
  return writeReportFolder(
    join(root, folderStamp(report.createdAt)),
    {
      'report.json': report,
      'report.md': markdownReport(report),
      'index.html': htmlReport(report, await charts(chartSpecs(report))),
    },
    { latest: 'latest' },
  );
}
