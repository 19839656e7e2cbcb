import { join } from 'node:path';

/**
 * The lines a command ends with: where its page is, and its markdown aligned under it
 * (`report: reports/…/index.html`), so a terminal makes both clickable.
 */
export function whereWritten(label: string, dir: string, markdown: string): string[] {
  return [
    `${label}: ${join(dir, 'index.html')}`,
    `${' '.repeat(label.length + 2)}${join(dir, markdown)}`,
  ];
}
