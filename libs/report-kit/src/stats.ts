/*
 * The arithmetic every report and benchmark of the repository does on repeated measurements,
 * once: "median" meant three things across seven copies (the upper middle, the lower middle by
 * nearest rank, the mean of the two middles), so two figures side by side could disagree about
 * the same rounds.
 */

/** The middle of the values once sorted, the mean of the two middle ones for an even count; NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** The p-th percentile (0–100) by nearest rank, so always a value that was measured; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** `0.99–1.20`: the lowest and highest of repeated rounds. */
export function range(values: readonly number[], digits: number): string {
  return `${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)}`;
}

/** `1.09 (0.99–1.20)`: the median of repeated rounds and their range, as the benchmarks print it. */
export function medianAndRange(values: readonly number[], digits: number): string {
  return `${median(values).toFixed(digits)} (${range(values, digits)})`;
}

/** `12%`: how far repeated rounds disagree, (highest − lowest) / median. */
export function spreadPercent(values: readonly number[]): string {
  return `${(((Math.max(...values) - Math.min(...values)) / median(values)) * 100).toFixed(0)}%`;
}
