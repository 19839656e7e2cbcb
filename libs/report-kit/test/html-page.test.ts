import { chartFigure, htmlPage } from '../src';

describe('htmlPage', () => {
  const page = htmlPage({
    title: 'report · <now>',
    body: '<h1>A & B</h1>',
    style: ['.meta { color: #555; }', 'th, td { text-align: right; }'],
    maxWidth: 1000,
  });

  it('escapes the title, keeps the body as is', () => {
    expect(page).toContain('<title>report · &lt;now&gt;</title>');
    expect(page).toContain('<body>\n<h1>A & B</h1>\n</body>');
  });

  it('puts the shared rules first and the page’s own after them, so they can override', () => {
    const style = page.slice(page.indexOf('<style>'), page.indexOf('</style>'));
    expect(style).toContain('max-width: 1000px');
    const shared = style.indexOf('th, td { border-bottom');
    const own = style.indexOf('th, td { text-align: right; }');
    expect(shared).toBeGreaterThan(0);
    expect(own).toBeGreaterThan(shared);
    expect(style).toContain('  .meta { color: #555; }\n');
  });

  it('is self-contained: no script, no stylesheet or image fetched', () => {
    expect(page).not.toMatch(/<script|<link|src=/);
    expect(htmlPage({ title: 't', body: '' })).toContain('max-width: 1200px');
  });
});

describe('chartFigure', () => {
  it('captions the chart’s picture under its #chart-<id> anchor', () => {
    expect(chartFigure({ id: 'cpu', title: 'req/s <all>', spec: {}, svg: '<svg></svg>' })).toBe(
      '<figure id="chart-cpu" class="chart"><figcaption>req/s &lt;all&gt;</figcaption><svg></svg></figure>',
    );
  });

  it('escapes the id too: it is an attribute value', () => {
    const figure = chartFigure({ id: 'a" onclick="x', title: 't', spec: {}, svg: '' });
    expect(figure).toContain('<figure id="chart-a&quot; onclick=&quot;x" class="chart">');
  });
});
