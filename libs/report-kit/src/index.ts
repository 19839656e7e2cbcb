/**
 * @concurrency-lab/report-kit: what the repository's reports share — the lab's comparison and
 * the demos' lessons — so each page renders charts and tables the same way.
 */
export { renderCharts, type Chart, type ChartSpec, type RenderedChart } from './render-charts';
export {
  escapeHtml,
  htmlTable,
  markdownTable,
  textTable,
  type Align,
  type TextTableOptions,
} from './tables';
