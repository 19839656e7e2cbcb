import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { extractTitle, MAX_TITLE_NESTING } from '../src/index';

describe('extractTitle', () => {
  it.each([
    ['a simple title', '<html><head><title>Hello</title></head><body></body></html>', 'Hello'],
    [
      'decoded entities',
      '<title>Tom &amp; Jerry &lt;3 &#169; &eacute;</title>',
      'Tom & Jerry <3 © é',
    ],
    [
      'trimmed, collapsed whitespace',
      '<title>\n   Lots \t of\r\n\n space   </title>',
      'Lots of space',
    ],
    ['an uppercase tag', '<HTML><HEAD><TITLE>Shouting</TITLE></HEAD></HTML>', 'Shouting'],
    [
      'a title with attributes',
      '<title lang="en" data-x=\'1\' id=t>With attrs</title>',
      'With attrs',
    ],
    ['the first of two titles', '<title>First</title><title>Second</title>', 'First'],
    ['a title outside <head>', '<body><p>text</p><title>Late</title></body>', 'Late'],
    [
      'markup inside the title as text',
      '<title>a <b>bold</b> claim</title>',
      'a <b>bold</b> claim',
    ],
    [
      'a non-breaking space kept (only ASCII whitespace collapses)',
      '<title>a&nbsp;b </title>',
      'a\u00a0b',
    ],
    ['an unclosed title running to the end of input', '<title>Never closed', 'Never closed'],
    // What headless Chromium's --dump-dom put in its <title>: a browser ignores the "/" of
    // <title/> and reads what follows as the title's text up to </title>, markup included.
    [
      'a self-closing <title/> holding a second <title> as text',
      '<title/>a<title>b</title>',
      'a<title>b',
    ],
    [
      'a self-closing <title/> holding a second one as text',
      '<title/>a<title/>b</title>',
      'a<title/>b',
    ],
    [
      'markup and entities after a self-closing "<title/ >"',
      '<title/ >a<b>c</b> &amp; d</title>x',
      'a<b>c</b> & d',
    ],
    ['a self-closing upper-case <TITLE/>', '<TITLE/>Up</TITLE>', 'Up'],
    ['a self-closing <title/> with nothing after it', '<title/>', ''],
  ])('returns %s', (_label, html, expected) => {
    expect(extractTitle(html)).toBe(expected);
  });

  it('returns an empty string for an empty title element', () => {
    expect(extractTitle('<head><title>  </title></head>')).toBe('');
  });

  it.each([
    ['no title', '<html><head><meta charset="utf-8"></head><body>Hi</body></html>'],
    ['empty input', ''],
    ['a title only inside a comment', '<head><!-- <title>Commented</title> --></head>'],
    ['a title only inside a script string', '<script>const s = "<title>Nope</title>";</script>'],
    ['a title only inside a style block', '<style>/* <title>Nope</title> */</style>'],
    ['a title only inside an attribute value', '<meta content="<title>Nope</title>">'],
    ['a title only inside inline SVG', '<body><svg><title>Icon</title></svg></body>'],
    // What a browser does not read as a title element either (see the describe below).
    ['a title after <plaintext> (the rest is its text)', '<plaintext><title>no</title>'],
    ['an <iframe> never closed', '<iframe><title>if</title><title>if2</title>'],
    ['a title only in a <template>', '<template><title>tpl</title></template>'],
  ])('returns null for %s', (_label, html) => {
    expect(extractTitle(html)).toBeNull();
  });

  it('finds the real title after a commented-out and a scripted one', () => {
    const html =
      '<!-- <title>Old</title> --><script>document.write("<title>JS</title>")</script>' +
      '<svg><title>Icon</title></svg><title>Real</title>';
    expect(extractTitle(html)).toBe('Real');
  });

  describe('skips what a browser does not read as a title element', () => {
    it.each([
      ['an <iframe>', '<iframe><title>if</title></iframe><title>real</title>'],
      ['an <xmp>', '<body><xmp><title>xmp</title></xmp><title>real</title>'],
      ['a <noembed>', '<noembed><title>ne</title></noembed><title>real</title>'],
      ['a <noframes>', '<head><noframes><title>nf</title></noframes><title>real</title>'],
      ['an upper-case <IFRAME>', '<IFRAME><title>if</title></IFRAME><title>real</title>'],
      [
        'an <iframe> with attributes holding ">" and "<title>"',
        '<iframe src="a>b" title=\'<title>\'><title>if</title></iframe><title>real</title>',
      ],
      // Raw text: a "<script>" or "<title>" in it opens nothing that could swallow the end tag.
      ['an <xmp> holding "<script>"', '<xmp><script></xmp><title>real</title>'],
      ['an <iframe> holding "<title>"', '<iframe><title></iframe><title>real</title>'],
      ['a <noembed> holding "<textarea>"', '<noembed><textarea></noembed><title>real</title>'],
      ['a <template>', '<head><template><title>tpl</title></template><title>real</title>'],
      [
        'nested <template>s',
        '<template><template></template><p><title>tpl</title></template><title>real</title>',
      ],
    ])('finds the real title past %s', (_label, html) => {
      expect(extractTitle(html)).toBe('real');
    });

    it('negative control: in SVG those names are SVG elements, read as markup', () => {
      expect(extractTitle('<svg><xmp></xmp><iframe></iframe></svg><title>real</title>')).toBe(
        'real',
      );
      expect(extractTitle('<math><plaintext></plaintext></math><title>real</title>')).toBe('real');
    });

    it('htmlparser2 is the 9.1.0 whose tokenizer fields extract-title.ts sets', () => {
      const manifest = join(dirname(require.resolve('htmlparser2')), '..', 'package.json');
      expect((JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version).toBe(
        '9.1.0',
      );
    });
  });

  describe(`stops past ${MAX_TITLE_NESTING} open elements (a tag costs time in the depth)`, () => {
    const nested = (depth: number) => '<b>'.repeat(depth);

    it('answers null for a title below the cap: parsing stopped (a browser would go on)', () => {
      // The title would be element MAX_TITLE_NESTING + 1.
      expect(extractTitle(nested(MAX_TITLE_NESTING) + '<title>Deep</title>')).toBeNull();
    });

    it('finds a title that is the last element within the cap, or before deeper nesting', () => {
      expect(extractTitle(nested(MAX_TITLE_NESTING - 1) + '<title>At the cap</title>')).toBe(
        'At the cap',
      );
      expect(extractTitle('<title>First</title>' + nested(100_000))).toBe('First');
    });

    it('negative control: closed, void and implicitly closed elements do not add up', () => {
      const flat = [
        '<div><span>x</span></div>',
        '<br><img src=a><input>',
        '<br/><img src=b /><hr/>', // self-closing void elements close too
        '<p>para',
        '<li>item',
        '</p>', // a stray close: htmlparser2 opens and closes an empty <p>
        '<svg><path/></svg>',
      ]
        .join('')
        .repeat(MAX_TITLE_NESTING * 4);
      expect(extractTitle(flat + '<title>Late</title>')).toBe('Late');
    });
  });

  it('rejects a non-string with ERR_INVALID_ARGUMENT', () => {
    expect(() => extractTitle(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' }),
    );
  });
});
