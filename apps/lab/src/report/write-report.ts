import { folderStamp, renderCharts, writeReportFolder } from '@concurrency-lab/report-kit';
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
  return writeReportFolder(
    join(root, folderStamp(report.createdAt)),
    {
      'report.json': report,
      'report.md': markdownReport(report),
      'index.html': htmlReport(report, await renderCharts(chartSpecs(report))),
    },
    { latest: 'latest' },
  );
}
