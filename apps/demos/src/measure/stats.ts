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
