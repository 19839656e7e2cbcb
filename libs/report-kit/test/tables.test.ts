import {
  escapeHtml,
  htmlTable,
  markdownTable,
  markdownText,
  recordTable,
  textTable,
  wrap,
} from '../src';

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

describe('recordTable', () => {
  it("lays out console.table's rows as plain text: every key a column, numbers right", () => {
    const table = recordTable([
      { route: '/healthz', 'req/s': 9108, ratio: '1.000×' },
      { route: '/io/sleep?ms=20', 'req/s': 230, ratio: '0.025×', errors: 2 },
    ]);
    expect(table.split('\n')).toEqual([
      'route            req/s  ratio   errors',
      '---------------  -----  ------  ------',
      '/healthz          9108  1.000×',
      '/io/sleep?ms=20    230  0.025×       2',
    ]);
  });

  it('prints no colour, whatever FORCE_COLOR says (Nx sets it for every task)', () => {
    const before = process.env['FORCE_COLOR'];
    process.env['FORCE_COLOR'] = 'true';
    try {
      // ESC: how every ANSI colour sequence starts.
      expect(recordTable([{ n: 1, s: 'x' }])).not.toContain('\u001b');
    } finally {
      if (before === undefined) delete process.env['FORCE_COLOR'];
      else process.env['FORCE_COLOR'] = before;
    }
  });
});

describe('markdownTable', () => {
  it('writes a header, a rule and the rows, escaping pipes inside cells', () => {
    expect(markdownTable(['a', 'b'], [['1', 'x|y']])).toBe(
      '| a | b |\n| --- | --- |\n| 1 | x\\|y |',
    );
  });

  it('writes no raw HTML from a cell, leaving emphasis and code spans to the caller', () => {
    expect(markdownTable(['cpu'], [['<img src=x onerror=alert(1)> **new** `x`']])).toBe(
      '| cpu |\n| --- |\n| &lt;img src=x onerror=alert(1)> **new** `x` |',
    );
  });

  it('keeps a cell one cell: line breaks folded, a backslash before a pipe escaped too', () => {
    expect(markdownTable(['machine'], [['2 × EPYC\r\n# two\rlines\u2028x'], ['a\\|b']])).toBe(
      '| machine |\n| --- |\n| 2 × EPYC # two lines x |\n| a\\\\\\|b |',
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

describe('wrap', () => {
  it('fills each line up to the width with whole words, indenting every line', () => {
    expect(wrap('aaa bbb ccc ddd', 8, '  ')).toEqual(['  aaa', '  bbb', '  ccc', '  ddd']);
    expect(wrap('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrap('  one\n paragraph,  its   spaces folded ', 80)).toEqual([
      'one paragraph, its spaces folded',
    ]);
  });

  it('gives a word longer than the width a line of its own, and nothing for no words', () => {
    expect(wrap('a-very-long-word x', 5)).toEqual(['a-very-long-word', 'x']);
    expect(wrap('x a-very-long-word', 5)).toEqual(['x', 'a-very-long-word']);
    expect(wrap(' \n ', 5)).toEqual([]);
  });
});

describe('markdownText', () => {
  it('makes outside text one line that cannot open HTML or a code span', () => {
    expect(markdownText('my job\r# INJECTED\r\n<img src=x onerror=alert(1)> `x` a\\b')).toBe(
      'my job # INJECTED \\<img src=x onerror=alert(1)> \\`x\\` a\\\\b',
    );
  });

  it('leaves plain text as it is (the control)', () => {
    expect(markdownText('fib(30) on 8 inputs: 1.5× the anchor, *fast*')).toBe(
      'fib(30) on 8 inputs: 1.5× the anchor, *fast*',
    );
  });
});
