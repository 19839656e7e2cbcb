import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

// vega and vega-lite ship as ES modules, which jest's CommonJS runtime cannot import: the
// renderer runs from the build in a real Node process, as the reports use it.
const dist = join(__dirname, '../dist/index.js');
const script = `
const { renderCharts } = require(${JSON.stringify(dist)});
renderCharts([{ id: 'bars', title: 'Bars', spec: {
  data: { values: [{ k: 'a', v: 1 }, { k: 'b', v: 3 }] },
  mark: 'bar',
  encoding: { x: { field: 'k', type: 'nominal' }, y: { field: 'v', type: 'quantitative' } },
} }]).then((charts) => process.stdout.write(JSON.stringify(charts)));
`;

describe('renderCharts', () => {
  it('turns a vega-lite specification into inline SVG offline, keeping id and title', async () => {
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    const charts = JSON.parse(stdout) as Array<{ id: string; title: string; svg: string }>;
    expect(charts.map(({ id, title }) => ({ id, title }))).toEqual([{ id: 'bars', title: 'Bars' }]);
    const svg = charts[0]?.svg ?? '';
    expect(svg).toMatch(/^<svg[^>]*>/);
    // Both bars are drawn: one path per datum in the bar mark's group.
    const marks = /<g class="mark-rect role-mark marks"[^>]*>(.*?)<\/g>/.exec(svg)?.[1] ?? '';
    expect(marks.match(/<path /g)?.length).toBe(2);
  });
});
