/**
 * Maps `items` through `fn` with at most `concurrency` calls in flight, keeping input order.
 * Stops starting new calls once `signal` aborts or a call rejects, and rejects at the first
 * rejection. Calls already in flight then are not waited for, and not cancelled by this: a
 * caller whose calls hold resources aborts the signal they share when this rejects (as
 * `scrapePages` does). (The queues lib's work queue supersedes this.)
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  fn: (item: T, index: number) => Promise<R>,
  signal?: AbortSignal,
): Promise<R[]> {
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new RangeError(
      `Expected \`concurrency\` to be an integer from 1 and up, got \`${concurrency}\``,
    );
  }
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    // Once any call failed the whole map has failed: start nothing more (p-map's stopOnError).
    while (next < items.length && !failed) {
      signal?.throwIfAborted();
      const index = next++;
      try {
        results[index] = await fn(items[index] as T, index);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, items.length) }, lane));
  return results;
}
