/*
 * The arithmetic every report and benchmark of the repository does on repeated measurements,
 * once: "median" meant three things across seven copies (the upper middle, the lower middle by
 * nearest rank, the mean of the two middles), so two figures side by side could disagree about
 * the same rounds.
 *
 * No values, or a NaN among them (a failed measurement), have no median and no percentile: the
 * numbers are NaN, and the printed figures `range`, `medianAndRange` and `spreadPercent` are
 * NO_FIGURE, the dash the repository's tables print for a missing figure — never a made-up
 * `Infinity–-Infinity` or a value picked by how a NaN happened to sort.
 */

/**
 * What a printed figure is when it cannot be computed: a dash, as the tables print a missing one.
 */
export const NO_FIGURE = '—';

/**
 * The middle of the values once sorted, the mean of the two middle ones for an even count; NaN for
 * none or any NaN.
 */
export function median(values: readonly number[]): number {
  const sorted = sortedOrUndefined(values);
  if (sorted === undefined) return Number.NaN;
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The p-th percentile by nearest rank, so always a value that was measured: the smallest value
 * with at least p % of the values at or below it (the lowest for p = 0). NaN for no values or
 * any NaN; a RangeError for a `p` that is not a number from 0 to 100.
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) {
    throw new RangeError(`Expected \`p\` to be a percentile from 0 to 100, got \`${p}\``);
  }
  const sorted = sortedOrUndefined(values);
  if (sorted === undefined) return Number.NaN;
  return sorted[Math.max(1, nearestRank(p, sorted.length)) - 1] as number;
}

/** `0.99–1.20`: the lowest and highest of repeated rounds; `—` for none or any NaN. */
export function range(values: readonly number[], digits: number): string {
  const sorted = sortedOrUndefined(values);
  if (sorted === undefined) return NO_FIGURE;
  return `${(sorted[0] as number).toFixed(digits)}–${(sorted.at(-1) as number).toFixed(digits)}`;
}

/**
 * `1.09 (0.99–1.20)`: the median of repeated rounds and their range, as the benchmarks print it;
 * `—` for none or any NaN.
 */
export function medianAndRange(values: readonly number[], digits: number): string {
  const m = median(values);
  return Number.isNaN(m) ? NO_FIGURE : `${m.toFixed(digits)} (${range(values, digits)})`;
}

/**
 * `12%`: how far repeated rounds disagree, (highest − lowest) / median; `—` for none, any NaN,
 * a zero median, which no spread is a share of, or an infinite round.
 */
export function spreadPercent(values: readonly number[]): string {
  const sorted = sortedOrUndefined(values);
  const m = median(values);
  if (sorted === undefined || m === 0) return NO_FIGURE;
  const spread = (((sorted.at(-1) as number) - (sorted[0] as number)) / m) * 100;
  // An infinite round (a ratio to an anchor that measured 0) leaves no share to print: NaN%.
  return Number.isFinite(spread) ? `${spread.toFixed(0)}%` : NO_FIGURE;
}

/**
 * The values in ascending order; undefined when there are none, or one is NaN: `a - b` is then
 * NaN, sort's order inconsistent, and the middle value depends on the input's order.
 */
function sortedOrUndefined(values: readonly number[]): number[] | undefined {
  if (values.length === 0 || values.some(Number.isNaN)) return undefined;
  return [...values].sort((a, b) => a - b);
}

/**
 * ⌈p·n/100⌉, the nearest rank, exactly for `p` as written: `p` is read as its shortest decimal
 * (what `String(p)` prints), so 99.9 % of 1000 values is rank 999. `Math.ceil((p / 100) * n)`
 * gave 1000, its product a hair above 999 (7 % of 100 gave 8 the same way).
 */
function nearestRank(p: number, n: number): number {
  // `String(p)` of a p from 0 to 100 is `99.9`, `7` or, below 1e-6, `1.5e-7`.
  const [mantissa = '0', exponent = '0'] = String(p).split('e');
  const [whole = '0', fraction = ''] = mantissa.split('.');
  // p = digits / 10^scale exactly, scale the decimals after the point.
  const digits = BigInt(whole + fraction);
  const scale = fraction.length - Number(exponent);
  const numerator = digits * BigInt(n) * 10n ** BigInt(Math.max(0, -scale));
  const denominator = 100n * 10n ** BigInt(Math.max(0, scale));
  return Number((numerator + denominator - 1n) / denominator);
}
