/** A vega-lite specification (kept loose: vega-lite validates it when compiling). */
export type ChartSpec = Record<string, unknown>;

/** One chart of a report: an id for the page's anchors, a caption, and its specification. */
export interface Chart {
  id: string;
  title: string;
  spec: ChartSpec;
}

/** A chart with its picture, ready to inline in a page. */
export type RenderedChart = Chart & { svg: string };

/**
 * vega-lite → vega → SVG, in Node, with no browser and no canvas: a page then carries its
 * charts as inline SVG and works offline. vega and vega-lite are ES modules; this CommonJS lib
 * reaches them with a dynamic import.
 */
export async function renderCharts(charts: readonly Chart[]): Promise<RenderedChart[]> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const rendered: RenderedChart[] = [];
  for (const chart of charts) {
    const compiled = vegaLite.compile(chart.spec as never).spec;
    const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
    try {
      rendered.push({ ...chart, svg: await view.toSVG() });
    } finally {
      view.finalize();
    }
  }
  return rendered;
}
