import { escapeHtml, htmlTable, markdownTable, textTable } from '../src';

describe('textTable', () => {
  it('pads columns to their widest cell, right-aligning the columns asked for', () => {
    const text = textTable(
      ['case', 'ms'],
      [
        ['copy', '12.5'],
        ['transfer', '0.1'],
      ],
      { align: ['left', 'right'] },
    );
    expect(text.split('\n')).toEqual([
      'case        ms',
      '--------  ----',
      'copy      12.5',
      'transfer   0.1',
    ]);
  });

  it('leaves no trailing blanks after a left-aligned last column', () => {
    const lines = textTable(['a', 'what'], [['1', 'x']]).split('\n');
    expect(lines.map((l) => l.endsWith(' '))).toEqual([false, false, false]);
  });
});

describe('markdownTable', () => {
  it('writes a header, a rule and the rows, escaping pipes inside cells', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe(
      '| a | b |\n| --- | --- |\n| 1 | x\\|y |',
    );
  });
});

describe('escapeHtml and htmlTable', () => {
  it('escapes the five characters that matter in content and attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;',
    );
  });

  it('renders escaped header and body cells', () => {
    expect(htmlTable(['<h>'], [['a&b']])).toBe(
      '<table><thead><tr><th>&lt;h&gt;</th></tr></thead><tbody><tr><td>a&amp;b</td></tr></tbody></table>',
    );
  });
});
