import { median } from '@concurrency-lab/report-kit';

/** The smallest sample: the best of interleaved repeats, least disturbed by other jobs. */
export const best = (samples: readonly number[]): number => Math.min(...samples);

/** Milliseconds since `start` (a `performance.now()` reading). */
export const since = (start: number): number => performance.now() - start;

/** Runs `fn` and returns its result with the milliseconds it took. */
export async function timed<T>(fn: () => Promise<T> | T): Promise<{ value: T; ms: number }> {
  const start = performance.now();
  const value = await fn();
  return { value, ms: since(start) };
}

/** Each round's ratio of `a`'s figure to `b`'s: NaN for a round `b` lacks. */
export const ratiosPerRound = (a: readonly number[], b: readonly number[]): number[] =>
  a.map((x, round) => x / (b[round] ?? NaN));

/**
 * The median of each round's own ratio of `a` to `b` (times of interleaved runs): load that
 * comes and goes between rounds cancels out, as it would not in a ratio of two medians. NaN when
 * there is no round or `b` lacks one, rather than a median whose order NaNs would decide.
 */
export function medianRatio(a: readonly number[], b: readonly number[]): number {
  const ratios = ratiosPerRound(a, b);
  return ratios.length === 0 || ratios.some(Number.isNaN) ? NaN : median(ratios);
}

/** `{ [key]: f(key) }` for each key: a figure per way, typed by the ways' names. */
export const recordOf = <K extends string, T>(keys: readonly K[], f: (key: K) => T): Record<K, T> =>
  Object.fromEntries(keys.map((k) => [k, f(k)])) as Record<K, T>;
