/** How a column's cells line up in a plain-text table. */
export type Align = 'left' | 'right';

export interface TextTableOptions {
  /** Per column; figures read best right-aligned. @default 'left' for every column */
  align?: readonly Align[];
}

/** A plain-text table for the terminal (no dependency, aligned columns, two spaces apart). */
export function textTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
  options: TextTableOptions = {},
): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const pad = (cell: string, i: number) =>
    options.align?.[i] === 'right' ? cell.padStart(widths[i] ?? 0) : cell.padEnd(widths[i] ?? 0);
  // trimEnd: a left-aligned last column must not leave trailing blanks on every line.
  const line = (cells: readonly string[]) => cells.map(pad).join('  ').trimEnd();
  return [line(header), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}

/**
 * Rows as `console.table` takes them (one object a row, a column a key) as a {@link textTable}:
 * the header is every key in the order first seen, a column of numbers only is right-aligned.
 * For a bench's figures, which end up in files and pipes: always plain text. `console.table`
 * colours its cells whenever FORCE_COLOR is set, and Nx sets it for every task (running it in a
 * pseudo-terminal too), so no sign tells the bench its output goes to a file.
 */
export function recordTable(records: readonly Readonly<Record<string, string | number>>[]): string {
  const header = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const align = header.map((key): Align =>
    records.every((r) => r[key] === undefined || typeof r[key] === 'number') ? 'right' : 'left',
  );
  const rows = records.map((r) => header.map((key) => (r[key] === undefined ? '' : `${r[key]}`)));
  return textTable(header, rows, { align });
}

/** Every way CommonMark (and a browser showing it) ends a line. */
const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/g;

/** Spaces and tabs at either end of a line: CommonMark's indentation, and its hard line break. */
const EDGE_BLANKS = /^[ \t]+|[ \t]+$/g;

/**
 * What makes a line, from its first character on, a block of its own rather than text of the
 * paragraph it is in (CommonMark 0.31 and GFM; the line's leading blanks are gone). What only
 * looks like one (`*fast*`, `-5`, `#1`, `~~old~~`) starts no block, and is left as it is.
 */
const BLOCK_STARTS: readonly RegExp[] = [
  /^#{1,6}(?:[ \t]|$)/, // a heading
  /^>/, // a block quote
  /^[-+*](?:[ \t]|$)/, // a bullet list's item
  /^\d{1,9}[.)](?:[ \t]|$)/, // an ordered list's item (`2024. A year` is one too)
  /^\*(?:[ \t]*\*){2,}[ \t]*$/, // a thematic break (`***`, `* * *`)
  /^_(?:[ \t]*_){2,}[ \t]*$/, // a thematic break (`___`)
  /^=+[ \t]*$/, // a setext heading's underline, below a line of text
  // A thematic break or setext underline (`---`, `- - -`, `--`), a table's delimiter row (`|:-|`).
  /^[-|:][ \t|:]*-[ \t|:-]*$/,
  /^~~~/, // a code fence (a backtick is escaped everywhere)
  /^\[[^\]]*\]:/, // a link reference definition, or a footnote's (`[^1]: …`)
  /^\$\$/, // a math block: GitHub renders one, prettier's parser reads one
];

/** A heading's closing sequence: `### a #` shows as `a`, `### #######` as nothing. */
const CLOSING_HASHES = /(^|[ \t])(#+)$/;

/**
 * Text from outside (a workload's description, a CPU's name, a target's URL) as one line of
 * Markdown that cannot change the page around it, wherever it is put: on a line of its own, after
 * a list item's `- ` or a heading's `### `, or within a line of text. Its line breaks are folded
 * to spaces (a `\r` starts a new block just as `\n` does), and the spaces and tabs at its ends
 * dropped (four make indented code, two before a line break a hard break). A backslash, a backtick
 * and `<` (raw HTML, autolinks) are escaped with a backslash everywhere; so is what would start a
 * block at the line's start (a heading, list item, quote, thematic break, setext underline, fence,
 * table delimiter row or link reference definition: `# x`, `- x`, `1. x`, `> x`, `---`,
 * `[a]: http://x`), and a heading's closing `#`s at its end (`### a #` would lose the `#`).
 * Emphasis and the like are left, so the file still reads well as plain text.
 */
export function markdownText(text: string): string {
  const line = text
    .replace(LINE_BREAK, ' ')
    .replace(EDGE_BLANKS, '')
    .replace(/[\\`<]/g, '\\$&');
  // The backslash goes before the marker: for an ordered item, after its number (`1\. x`).
  const at = BLOCK_STARTS.some((start) => start.test(line))
    ? (/^\d*/.exec(line)?.[0].length ?? 0)
    : -1;
  const unblocked = at < 0 ? line : `${line.slice(0, at)}\\${line.slice(at)}`;
  return unblocked.replace(CLOSING_HASHES, '$1\\$2');
}

/**
 * A GitHub-flavoured markdown table. A cell stays one cell: a line break in it is folded to a
 * space, and a backslash and `|` are escaped, so `a\|b` shows as written (a `\` left alone would
 * escape itself and free the pipe). `<` is written `&lt;`: a cell may hold outside text (a CPU's
 * name read from a report file), and no cell of ours means raw HTML. Emphasis and code spans
 * are left to the callers, which use them.
 */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const cell = (c: string) =>
    c.replace(LINE_BREAK, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;');
  const line = (cells: readonly string[]) => `| ${cells.map(cell).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

const HTML_ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text made safe for HTML content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);

/** An HTML table of escaped text cells. */
export function htmlTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const cells = (tag: 'th' | 'td', row: readonly string[]) =>
    row.map((c) => `<${tag}>${escapeHtml(c)}</${tag}>`).join('');
  return `<table><thead><tr>${cells('th', header)}</tr></thead><tbody>${rows
    .map((r) => `<tr>${cells('td', r)}</tr>`)
    .join('')}</tbody></table>`;
}

/**
 * Words wrapped to `width` columns, each line starting with `indent`; a word longer than a line
 * gets a line of its own. For the prose a command prints (a lesson's description, a drill's
 * summary), written as one paragraph and wrapped where it is printed.
 */
export function wrap(text: string, width = 80, indent = ''): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : `${indent}${word}`;
    if (next.length > width && line) {
      lines.push(line);
      line = `${indent}${word}`;
    } else {
      line = next;
    }
  }
  if (line) lines.push(line);
  return lines;
}
