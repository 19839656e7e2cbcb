/**
 * Reading the tables of the repository's Markdown (README.md, docs/contract.md), for the tests
 * that hold them to the code.
 */

/** The trimmed cells of one table line; `\|` is a pipe inside a cell (`a`\|`b`), not a column. */
export function tableCells(line: string): string[] {
  return line
    .split(/(?<!\\)\|/)
    .slice(1, -1)
    .map((cell) => cell.trim());
}

/** The body rows of the first table under `## <heading>` (its header and rule left out). */
export function tableUnder(markdown: string, heading: string): string[][] {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  if (start < 0) throw new Error(`no section "## ${heading}"`);
  const next = markdown.indexOf('\n## ', start + 1);
  const lines = markdown.slice(start, next < 0 ? undefined : next).split('\n');
  const first = lines.findIndex((line) => line.startsWith('|'));
  const end = lines.findIndex((line, i) => i > first && !line.startsWith('|'));
  return lines
    .slice(first, end < 0 ? undefined : end)
    .slice(2)
    .map(tableCells);
}

/** The `code` spans of a cell, outside any parentheses: `a`, `b` (`x`|`y`) → [a, b]. */
export function codeSpans(cell: string): string[] {
  return [...cell.replace(/\([^)]*\)/g, '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
}
