import fc from 'fast-check';
import { parsers } from 'prettier/plugins/markdown';
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
  const layouts: {
    what: string;
    records: Readonly<Record<string, string | number>>[];
    lines: string[];
  }[] = [
    {
      what: "lays out console.table's rows as plain text: every key a column, numbers right",
      records: [
        { route: '/healthz', 'req/s': 9108, ratio: '1.000×' },
        { route: '/io/sleep?ms=20', 'req/s': 230, ratio: '0.025×', errors: 2 },
      ],
      lines: [
        'route            req/s  ratio   errors',
        '---------------  -----  ------  ------',
        '/healthz          9108  1.000×',
        '/io/sleep?ms=20    230  0.025×       2',
      ],
    },
    {
      // Only a column of numbers alone is right-aligned: one word among them makes it text.
      what: 'left-aligns a column of numbers that holds a word too (`n/a`), as text',
      records: [
        { model: 'async', p99: 12 },
        { model: 'threads', p99: 'n/a' },
        { model: 'cluster', p99: 7 },
      ],
      lines: ['model    p99', '-------  ---', 'async    12', 'threads  n/a', 'cluster  7'],
    },
  ];
  for (const { what, records, lines } of layouts) {
    it(what, () => {
      expect(recordTable(records).split('\n')).toEqual(lines);
    });
  }

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

/** A node of the Markdown syntax tree (mdast) that prettier's parser (remark) gives. */
interface MdNode {
  readonly type: string;
  readonly value?: string;
  readonly depth?: number;
  readonly children?: readonly MdNode[];
}

/** The repository's own Markdown parser (prettier formats every .md with it): CommonMark, GFM. */
function parseMarkdown(page: string): MdNode {
  // Its type says any (or a promise of it); the markdown parser answers at once, with the tree.
  const tree: unknown = parsers.markdown.parse(page, {} as never);
  return tree as MdNode;
}

/** What a reader sees of a node: its text, as its text nodes (and code spans) hold it. */
const textOf = (node: MdNode | undefined): string =>
  node?.value ?? (node?.children ?? []).map(textOf).join('');

const CONTAINERS = new Set(['root', 'list', 'listItem', 'blockquote']);

/** A page's blocks, nested as they are; what a block holds inline left out. */
const blocksOf = (node: MdNode): string =>
  CONTAINERS.has(node.type)
    ? `${node.type}(${(node.children ?? []).map(blocksOf).join(' ')})`
    : `${node.type}${node.depth ?? ''}`;

/**
 * Where the reports put outside text, and the block of the page that must hold it (`of`): a line
 * of its own (a workload's lesson), a list item (`choose`), a heading (a scenario's title), a
 * line within a paragraph of ours.
 */
const PLACES = [
  { page: (t: string) => `# page\n\n${t}\n\nafter\n`, of: (r: MdNode) => r.children?.[1] },
  { page: (t: string) => `- ${t}\n- ours\n`, of: (r: MdNode) => r.children?.[0]?.children?.[0] },
  { page: (t: string) => `### ${t}\n\nafter\n`, of: (r: MdNode) => r.children?.[0] },
  { page: (t: string) => `ours\n${t}\nours\n`, of: (r: MdNode) => r.children?.[0] },
] as const;

/**
 * Each place holding the word `plain`: its page's blocks, and the text of its block split
 * around the word. The same for every run of a property: parsed once, not once a run.
 */
const PLAIN_PLACES = PLACES.map((place) => {
  const plain = parseMarkdown(place.page('plain'));
  return { ...place, blocks: blocksOf(plain), around: textOf(place.of(plain)).split('plain') };
});

/** What a text says once folded to one line, its ends' blanks gone (as CommonMark drops them). */
const folded = (text: string) =>
  text.replace(/\r\n|[\r\n\u2028\u2029]/g, ' ').replace(/^[ \t]+|[ \t]+$/g, '');

/** Each way a line starts a block (some after a line break that folds), and inline look-alikes. */
const MARKERS = [
  ...['#', '# ', '###### ', '####### ', '#\t', ' #', ' ##', '- ', '-', '--', '---', '- - -'],
  ...['+ ', '+', '* ', '*', '***', '* * *', '_ _ _', '___', '=', '===', '> ', '>', '1. ', '1) '],
  ...['1.', '123456789. ', '1234567890. ', '0) ', '~~~', '```', '[a]: http://x', '[a]:x "t"'],
  ...['[^1]: note', '$$', '    ', '\t', ' ', '|---|', '|-', ':-:', '-|-', '| a |', '<div>'],
  ...['<!-- ', '<http://x>', '\\', '\n', '\r', '\r\n', '\u2028', '\n# ', '\r- ', '\n    ', '\n==='],
  ...['\n---', '[a]', '](', '*a*', '**', '_a_', '~~a~~', '&amp;', '&#35; ', '![i](x)', '[l](x)'],
  ...['www.x.com', '[[w]]', '$x$', 'a', 'word'],
];

/** Strings made mostly of the markers, anywhere, with `other` text between. */
const markdownish = (other: fc.Arbitrary<string>) =>
  fc
    .array(fc.oneof(fc.constantFrom(...MARKERS), other), { maxLength: 6 })
    .map((parts) => parts.join(''));

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
    // What only looks like a block's start: emphasis, a negative figure, a number.
    for (const text of ['*fast* first', '**bold**', '-5 °C', '#1 of 3', '3.5 ms', '~~old~~']) {
      expect(markdownText(text)).toBe(text);
    }
  });

  it('escapes a block marker at the start with one backslash before it', () => {
    const cases: [string, string][] = [
      ['# hash workload', '\\# hash workload'],
      ['- list', '\\- list'],
      ['* list', '\\* list'],
      ['1. one', '1\\. one'],
      ['1) one', '1\\) one'],
      ['2024. A year', '2024\\. A year'],
      ['> quote', '\\> quote'],
      ['    indented', 'indented'],
      ['---', '\\---'],
      ['***', '\\***'],
      ['[x]: https://evil.example', '\\[x]: https://evil.example'],
      ['~~~js', '\\~~~js'],
      ['\n# after a line break', '\\# after a line break'],
      ['title #', 'title \\#'],
    ];
    for (const [text, line] of cases) expect(markdownText(text)).toBe(line);
  });

  it('adds no block to a page, wherever it is put, whatever the text (block markers first too)', () => {
    // Prettier's parser also reads Jekyll's `{% tag %}` and `{{ value }}`, alone on a line, as a
    // block: no CommonMark, and GitHub shows them as text.
    const text = fc
      .oneof(
        markdownish(fc.string({ unit: 'binary', maxLength: 8 })),
        fc.string({ unit: 'binary' }),
      )
      .filter((t) => !/\{[%{]/.test(t));
    fc.assert(
      fc.property(text, (outside) => {
        const line = markdownText(outside);
        expect(line).not.toMatch(/[\r\n\u2028\u2029]/);
        // Blanks only: nothing, which a page shows as nothing (the next test checks it is '').
        if (line === '') return;
        // In the middle of a line of ours no marker starts a block: what the text says there is
        // what it must say everywhere.
        const inLine = parseMarkdown(`ours ${line}\n`);
        expect(blocksOf(inLine)).toBe('root(paragraph)');
        const says = textOf(inLine).slice('ours '.length);
        for (const place of PLAIN_PLACES) {
          const page = parseMarkdown(place.page(line));
          expect(blocksOf(page)).toBe(place.blocks);
          expect(textOf(place.of(page))).toBe(place.around.join(says));
        }
      }),
      { numRuns: 1500 },
    );
  });

  it('reads as the text it was given, folded to one line, when it holds no inline markup', () => {
    // No emphasis, link, entity, strikethrough or math: those are left to work, by design (and a
    // URL made a link keeps its backslashes).
    const plain = fc.string({ unit: fc.constantFrom(...'aZ09 \t\n\r\u2028#-+=>.):|<`\\!(é') });
    const noInline = (t: string) => !/[*_[\]~&$]|www\.|:\/\//.test(t);
    fc.assert(
      fc.property(markdownish(plain).filter(noInline), (outside) => {
        const line = markdownText(outside);
        const page = parseMarkdown(`# page\n\n${line}\n\nafter\n`);
        if (folded(outside) === '') {
          expect(line).toBe('');
          return;
        }
        expect(blocksOf(page)).toBe('root(heading1 paragraph paragraph)');
        expect(textOf(page.children?.[1])).toBe(folded(outside));
      }),
      { numRuns: 1500 },
    );
  });
});
