import { mib, ms } from './budgets';
import type { DrillRow } from './drill';

export const TABLE_HEADER = [
  'drill',
  'model',
  'requests',
  'lost',
  'p99',
  'RSS peak',
  'recovery',
  'budget',
] as const;

/** The cells of one row, as printed. */
export function rowCells(row: DrillRow): string[] {
  return [
    row.drill,
    row.model,
    row.requests.toLocaleString('en'),
    row.lost.toLocaleString('en'),
    row.p99Ms === undefined ? '—' : ms(row.p99Ms),
    row.rssPeakBytes === undefined || row.rssPeakBytes === 0 ? '—' : mib(row.rssPeakBytes),
    row.recoveryMs === undefined ? '—' : ms(row.recoveryMs),
    row.violations.length === 0 ? 'held' : `BROKEN (${row.violations.length})`,
  ];
}

/**
 * The table (text columns aligned, numbers right-aligned), then each row's figures, then every
 * broken budget — one string, ready to print.
 */
export function renderTable(rows: readonly DrillRow[]): string {
  const cells = [[...TABLE_HEADER], ...rows.map(rowCells)];
  const widths = TABLE_HEADER.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? '').length)));
  const numeric = new Set([2, 3, 4, 5, 6]);
  const line = (r: string[]) =>
    r
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out = [
    line(cells[0] ?? []),
    widths.map((w) => '-'.repeat(w)).join('  '),
    ...cells.slice(1).map(line),
  ];
  if (rows.length > 0) {
    out.push('', 'Figures:');
    for (const row of rows) out.push(`  ${row.drill} ${row.model}: ${row.notes.join('; ')}`);
  }
  const broken = rows.filter((r) => r.violations.length > 0);
  out.push('');
  if (broken.length === 0) out.push(`Every budget held (${rows.length} drill × model runs).`);
  else {
    out.push(`Broken budgets (${broken.length} of ${rows.length} runs):`);
    for (const row of broken)
      for (const v of row.violations) out.push(`  ${row.drill} ${row.model}: ${v}`);
  }
  return out.join('\n');
}
