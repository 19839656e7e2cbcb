/**
 * @concurrency-lab/report-kit: what the repository's reports share — the lab's comparison, the
 * demos' lessons, the chaos table, the benchmarks' figures — so each renders charts, tables and
 * prose the same way, computes a median the same way, and each report is written as the same
 * kind of folder.
 */
export { chartFigure, htmlPage, type HtmlPageOptions } from './html-page';
export { renderCharts, type Chart, type ChartSpec, type RenderedChart } from './render-charts';
export {
  escapeHtml,
  htmlTable,
  markdownTable,
  markdownText,
  recordTable,
  textTable,
  wrap,
  type Align,
  type TextTableOptions,
} from './tables';
export {
  checkFolderCanBeMade,
  folderStamp,
  writeReportFolder,
  type FolderError,
  type ReportFile,
  type ReportFolderOptions,
} from './report-folder';
export { median, medianAndRange, NO_FIGURE, percentile, range, spreadPercent } from './stats';
