import { mulberry32 } from './mulberry32';

// Enough vocabulary that word counts and text extraction in the scraper do real work.
const WORDS = [
  'event',
  'loop',
  'thread',
  'worker',
  'process',
  'queue',
  'callback',
  'promise',
  'stream',
  'buffer',
  'socket',
  'latency',
  'throughput',
  'scheduler',
  'microtask',
  'timer',
  'signal',
  'channel',
  'message',
  'pool',
  'backpressure',
  'request',
  'response',
  'handler',
  'parser',
  'memory',
  'heap',
  'stack',
  'kernel',
  'poll',
  'epoll',
  'syscall',
  'cluster',
  'shard',
  'lock',
  'atomic',
  'shared',
  'array',
  'transfer',
  'clone',
  'serialize',
  'yield',
  'await',
  'resolve',
  'reject',
  'abort',
  'deadline',
  'retry',
  'budget',
  'tail',
  'percentile',
  'median',
  'sample',
  'trace',
  'span',
  'metric',
  'counter',
  'gauge',
  'histogram',
  'upstream',
  'downstream',
];

// Pages aim for ~2.5–3.5 KB of HTML: big enough that parsing is not free, small enough that
// the network and the latency knob, not page size, dominate a scrape.
const TARGET_BYTES = 2560;

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function sentence(random: () => number): string {
  const length = 6 + Math.floor(random() * 10);
  const words: string[] = [];
  for (let n = 0; n < length; n++) words.push(WORDS[Math.floor(random() * WORDS.length)] ?? 'loop');
  const text = words.join(' ');
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}.`;
}

function paragraph(random: () => number): string {
  const count = 3 + Math.floor(random() * 3);
  const sentences: string[] = [];
  for (let n = 0; n < count; n++) sentences.push(sentence(random));
  return `<p>${sentences.join(' ')}</p>`;
}

/**
 * The HTML of page `i` of `pages`. Content depends only on `i` and `pages` (not on the
 * server's seed), so changing the failure/jitter seed never changes what a scrape extracts.
 */
export function renderPage(i: number, pages: number): string {
  const random = mulberry32(0x9e3779b9 ^ i);
  const links: string[] = ['<li><a href="/">Index</a></li>'];
  if (i > 1) links.push(`<li><a href="/page/${i - 1}" rel="prev">Page ${i - 1}</a></li>`);
  if (i < pages) links.push(`<li><a href="/page/${i + 1}" rel="next">Page ${i + 1}</a></li>`);
  const seeAlso = new Set<number>();
  // Bounded so a 2-page site (only one other page) cannot loop forever.
  for (let tries = 0; tries < 12 && seeAlso.size < 3 && pages > 1; tries++) {
    const j = 1 + Math.floor(random() * pages);
    if (j !== i) seeAlso.add(j);
  }
  for (const j of seeAlso) links.push(`<li><a href="/page/${j}">See also: page ${j}</a></li>`);

  const head = `<!doctype html><html><head><title>Page ${i} · Upstream</title></head><body>`;
  const nav = `<nav><ul>${links.join('')}</ul></nav>`;
  const parts = [head, `<h1>Page ${i}</h1>`, nav];
  let bytes = parts.reduce((sum, part) => sum + Buffer.byteLength(part), 0);
  // Append paragraphs until the target size, so every page lands in the same size band.
  while (bytes < TARGET_BYTES) {
    const p = paragraph(random);
    parts.push(p);
    bytes += Buffer.byteLength(p);
  }
  parts.push('</body></html>');
  return parts.join('\n');
}

/** The index: one link per page, so a crawler can discover the whole site from `/`. */
export function renderIndex(pages: number): string {
  const items: string[] = [];
  for (let i = 1; i <= pages; i++) items.push(`<li><a href="/page/${i}">Page ${i}</a></li>`);
  return (
    `<!doctype html><html><head><title>Upstream · ${pages} pages</title></head><body>\n` +
    `<h1>Upstream</h1>\n<ul>\n${items.join('\n')}\n</ul>\n</body></html>`
  );
}

/** A small HTML body for error responses; `message` is escaped because it may echo input. */
export function renderError(status: number, message: string): string {
  return (
    `<!doctype html><html><head><title>${status} · Upstream</title></head><body>` +
    `<h1>${status}</h1><p>${escapeHtml(message)}</p></body></html>`
  );
}
