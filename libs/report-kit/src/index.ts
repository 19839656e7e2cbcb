/**
 * @concurrency-lab/report-kit: what the repository's reports share — the lab's comparison and
 * the demos' lessons — so each page renders charts and tables the same way, and each report is
 * written as the same kind of folder.
 */
export { chartFigure, htmlPage, type HtmlPageOptions } from './html-page';
export { renderCharts, type Chart, type ChartSpec, type RenderedChart } from './render-charts';
export {
  escapeHtml,
  htmlTable,
  markdownTable,
  textTable,
  wrap,
  type Align,
  type TextTableOptions,
} from './tables';
export {
  folderStamp,
  writeReportFolder,
  type ReportFile,
  type ReportFolderOptions,
} from './report-folder';
export { median, medianAndRange, percentile, range, spreadPercent } from './stats';
