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

/** A GitHub-flavoured markdown table; `|` inside a cell is escaped. */
export function markdownTable(
  header: readonly string[],
  rows: readonly (readonly string[])[],
): string {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;
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
