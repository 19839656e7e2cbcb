export const mib = (bytes: number): string => (bytes / 2 ** 20).toFixed(1);
export const fixed = (value: number, digits = 1): string => value.toFixed(digits);

/** A GitHub-flavoured markdown table. */
export function markdownTable(header: string[], rows: string[][]): string {
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}
