import type { RenderedChart } from './render-charts';
import { escapeHtml } from './tables';

export interface HtmlPageOptions {
  /** The document's title (escaped here). */
  readonly title: string;
  /** The page's markup inside `<body>`, as is. */
  readonly body: string;
  /** The page's own CSS, a line each, after the shared rules (which it may override). */
  readonly style?: readonly string[];
  /** How wide the text runs, in CSS pixels. @default 1200 */
  readonly maxWidth?: number;
}

/**
 * One self-contained report page — inline CSS, no script, nothing fetched — with the rules every
 * report of the repository shares: the body's font and width, and collapsed tables of
 * tabular figures with a rule under each row. Cell alignment is the page's (figures right,
 * labels left, per table).
 */
export function htmlPage({ title, body, style = [], maxWidth = 1200 }: HtmlPageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
  body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: ${maxWidth}px; color: #222; padding: 0 1rem; }
  table { border-collapse: collapse; margin: 1rem 0; font-variant-numeric: tabular-nums; }
  th, td { border-bottom: 1px solid #ddd; padding: .25rem .6rem; }
${style.map((line) => `  ${line}\n`).join('')}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

/** A rendered chart as a captioned figure, `#chart-<id>` (how pages and tests find it). */
export const chartFigure = (chart: RenderedChart): string =>
  `<figure id="chart-${escapeHtml(chart.id)}" class="chart"><figcaption>${escapeHtml(chart.title)}</figcaption>${chart.svg}</figure>`;
