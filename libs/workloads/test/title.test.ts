import { extractTitle } from '../src/index';

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
  ])('returns null for %s', (_label, html) => {
    expect(extractTitle(html)).toBeNull();
  });

  it('finds the real title after a commented-out and a scripted one', () => {
    const html =
      '<!-- <title>Old</title> --><script>document.write("<title>JS</title>")</script>' +
      '<svg><title>Icon</title></svg><title>Real</title>';
    expect(extractTitle(html)).toBe('Real');
  });

  it('rejects a non-string with ERR_INVALID_ARGUMENT', () => {
    expect(() => extractTitle(42 as unknown as string)).toThrow(
      expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' }),
    );
  });
});
