import type { Chart } from './chart-specs';

/**
 * vega-lite → vega → SVG, in Node, with no browser and no canvas: the page then carries its
 * charts as inline SVG and works offline. vega and vega-lite are ES modules; this CommonJS app
 * reaches them with a dynamic import.
 */
export async function renderCharts(charts: Chart[]): Promise<Array<Chart & { svg: string }>> {
  const vegaLite = await import('vega-lite');
  const vega = await import('vega');
  const rendered: Array<Chart & { svg: string }> = [];
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
