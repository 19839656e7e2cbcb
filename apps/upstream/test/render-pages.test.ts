import { escapeHtml, renderError, renderPage } from '../src/render-pages';

/** The page numbers page `i` of `pages` links to, in order. */
function linksOf(i: number, pages: number): number[] {
  return [...renderPage(i, pages).matchAll(/href="\/page\/(\d+)"/g)].map((m) => Number(m[1]));
}

/** The paragraphs of page `i` of `pages`: its text, without title and links. */
function paragraphsOf(i: number, pages: number): string[] {
  return renderPage(i, pages).match(/<p>[^<]*<\/p>/g) ?? [];
}

describe('renderPage', () => {
  it.each([2, 3, 50])(
    'links, on a site of %i pages, only pages of the site and never the page itself',
    (pages) => {
      for (let i = 1; i <= pages; i++) {
        const links = linksOf(i, pages);
        const outside = links.filter((j) => j < 1 || j > pages || j === i);
        expect({ i, outside }).toEqual({ i, outside: [] });
        // prev and next where there is one: a crawler can walk the site from either end.
        expect({ i, prev: links.includes(i - 1), next: links.includes(i + 1) }).toEqual({
          i,
          prev: i > 1,
          next: i < pages,
        });
      }
    },
  );

  it('gives every page text of its own, of about 2.5 to 3.5 KB', () => {
    const first = new Set<string>();
    for (let i = 1; i <= 50; i++) {
      const bytes = Buffer.byteLength(renderPage(i, 50));
      expect({ i, atLeast: bytes >= 2560, atMost: bytes <= 3584 }).toEqual({
        i,
        atLeast: true,
        atMost: true,
      });
      first.add(paragraphsOf(i, 50)[0] ?? '');
    }
    expect(first.size).toBe(50);
  });
});

describe('renderError', () => {
  it('escapes the message, which may echo a request’s input', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe(
      '&#60;a href=&#34;x&#34;&#62;&#39;&#38;&#39;&#60;/a&#62;',
    );
    const page = renderError(400, 'Unknown query parameter `<script>`');
    expect(page).toContain('<p>Unknown query parameter `&#60;script&#62;`</p>');
    expect(page).not.toContain('<script>');
  });
});
