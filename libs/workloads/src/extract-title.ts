import { Parser } from 'htmlparser2';
import { InvalidArgumentError } from './errors';

// HTML's "ASCII whitespace" (tab, LF, FF, CR, space); document.title strips and collapses
// exactly these, so a non-breaking space (&nbsp;) in a title survives, unlike with String#trim.
const ASCII_WHITESPACE_RUN = /[\t\n\f\r ]+/g;
const EDGE_ASCII_WHITESPACE = /^[\t\n\f\r ]+|[\t\n\f\r ]+$/g;

// <title> inside inline SVG/MathML is that vocabulary's element (e.g. an icon's tooltip), not
// the document title, which is what browsers' document.title ignores too.
const FOREIGN_ROOTS = new Set(['svg', 'math']);

/**
 * Elements whose content a browser reads as text up to their end tag (HTML's raw text elements
 * beyond <script> and <style>, which htmlparser2 reads so already), each with that end tag as the
 * char codes htmlparser2's tokenizer matches (lower case). <noscript> is left out: it is raw text
 * only where scripts run, and a scraper runs none.
 */
const RAW_TEXT_ENDS: ReadonlyMap<string, Uint8Array> = new Map(
  ['xmp', 'iframe', 'noembed', 'noframes'].map((name) => [
    name,
    Uint8Array.from(`</${name}`, (char) => char.charCodeAt(0)),
  ]),
);

/**
 * The two fields of htmlparser2 9.1.0's tokenizer (private in its types; a test pins the version)
 * that make it read what follows an open tag as text up to `currentSequence`, the end tag, as it
 * does for <script>: set while it reads the open tag's name, they take effect at its `>`.
 */
interface RawTextSwitch {
  isSpecial: boolean;
  currentSequence: Uint8Array;
}

/**
 * How deep elements may nest before extractTitle gives up (answers null). htmlparser2 keeps its
 * open elements in an array it unshifts on every open and searches on every close, so each tag
 * costs time in the depth: a 256 KiB page of nested tags (the scraper's per-page cap) blocked
 * the event loop 0.6-1.3 s. 512 is Chromium's cap on DOM tree depth (deeper elements are
 * attached as siblings), far beyond real pages, and keeps the worst page near a flat one: 511
 * open elements, then stray close tags to 256 KiB, take 60-75 ms, a flat page 35-90 ms.
 */
export const MAX_TITLE_NESTING = 512;

/**
 * The document title, as a browser's `document.title` would report it: the text of the first
 * HTML <title> element, entities decoded, ASCII whitespace trimmed and collapsed to one space.
 *
 * Uses htmlparser2's tokenizer, so a "<title>" inside a comment, the text of a <script>, <style>,
 * <textarea>, <xmp>, <iframe>, <noembed> or <noframes>, or an attribute value does not count, nor
 * one after a <plaintext> (the rest of the page is its text) or inside a <template> (its content
 * is no part of the document) or inline SVG/MathML; tag names are case-insensitive. Elements
 * nest as htmlparser2 reads them, not as the HTML spec's tree builder does, which differs on
 * broken markup: an end tag in a <template> of an element opened outside it ends the template
 * there, and a self-closing <xmp/> (or <iframe/>, <script/>) holds no text (a self-closing
 * <title/> does, as in a browser: the text after it up to </title>). Parsing stops as
 * soon as the title closes, so a large page costs only its head; it also stops, with no title,
 * once more than {@link MAX_TITLE_NESTING} elements are open (unlike a browser, which would go
 * on).
 *
 * @returns the title ('' for an empty <title></title>), or null when the document has none
 *   before nesting deeper than {@link MAX_TITLE_NESTING}
 * @throws InvalidArgumentError when html is not a string
 */
export function extractTitle(html: string): string | null {
  if (typeof html !== 'string') {
    throw new InvalidArgumentError('extractTitle expects a string');
  }

  let title: string | null = null;
  let inTitle = false;
  // The index of the ">" ending a self-closing first <title/> (see onselfclosingtag below).
  let selfClosedTitleEnd: number | undefined;
  let foreignDepth = 0;
  let templateDepth = 0;
  // Open elements as htmlparser2 counts them: every element it pushes (open) it also pops
  // (onclosetag, implied closes included), and a void element is reported open, then closed.
  let depth = 0;

  const parser = new Parser(
    {
      // onopentagname rather than onopentag: the parser then skips building attribute objects.
      onopentagname(name) {
        if (++depth > MAX_TITLE_NESTING) {
          // No title so far (a closed one has paused the parser already; an open one holds text,
          // no tags), and the rest would cost time in the depth: stop here.
          parser.pause();
          return;
        }
        if (FOREIGN_ROOTS.has(name)) foreignDepth++;
        else if (name === 'template') templateDepth++;
        // In SVG or MathML these names are that vocabulary's elements, read as markup.
        else if (foreignDepth > 0) return;
        // The first title is the only one: its text is read as text (no tag opens in it) up to
        // its end tag, where parsing stops, and a self-closing one stops it at once (below).
        else if (name === 'title' && templateDepth === 0) {
          inTitle = true;
          title = '';
        } else if (name === 'plaintext') {
          // Everything after is its text: no title can follow (none is open: it holds no tags).
          parser.pause();
        } else {
          const end = RAW_TEXT_ENDS.get(name);
          if (end === undefined) return;
          const tokenizer = (parser as unknown as { tokenizer: RawTextSwitch }).tokenizer;
          tokenizer.isSpecial = true;
          tokenizer.currentSequence = end;
        }
      },
      ontext(text) {
        if (inTitle) title += text;
      },
      onclosetag(name) {
        depth--;
        if (FOREIGN_ROOTS.has(name)) {
          foreignDepth = Math.max(0, foreignDepth - 1);
        } else if (name === 'template') {
          templateDepth = Math.max(0, templateDepth - 1);
        } else if (name === 'title' && inTitle) {
          inTitle = false;
          // Nothing after the first title matters; stop tokenizing the rest of the document.
          parser.pause();
        }
      },
    },
    { decodeEntities: true, lowerCaseTags: true },
  );
  // A browser ignores the "/" of a self-closing <title/> (an HTML element that is not void) and
  // reads what follows as the title's text up to </title>, so '<title/>a<title>b</title>' is
  // titled "a<title>b" (Chromium's DOM says so). htmlparser2 reads that text as markup instead:
  // its tokenizer drops the title's text mode at "/>" after this callback returns, so nothing a
  // callback sets survives, and a second <title> opened inside the first gave "ab". Stop there
  // and read the rest as the text of a plain <title>, which is what a browser sees. The tokenizer
  // reports "/>" to the parser's own (internal) onselfclosingtag, in the pinned 9.1.0 as well.
  const selfClosing = parser.onselfclosingtag.bind(parser);
  parser.onselfclosingtag = (endIndex) => {
    selfClosing(endIndex);
    // The open title is this tag: while a title's text is read no tag is reported.
    if (inTitle) {
      selfClosedTitleEnd = endIndex;
      parser.pause();
    }
  };
  // An unclosed <title> runs to end of input, as in browsers; end() flushes that text.
  parser.end(html);
  if (selfClosedTitleEnd !== undefined) {
    return extractTitle(`<title>${html.slice(selfClosedTitleEnd + 1)}`);
  }

  if (title === null) return null;
  // The cast: TS does not see the callbacks' assignments and narrows `title` to null (never here).
  return (title as string).replace(ASCII_WHITESPACE_RUN, ' ').replace(EDGE_ASCII_WHITESPACE, '');
}
