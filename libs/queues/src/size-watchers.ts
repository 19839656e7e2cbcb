import type { WaitOptions } from '@concurrency-lab/locks';
import { QueueTimeoutError } from './errors';
import { validate } from './validate';
import { WaitingLine } from './waiting-line';

/**
 * Backpressure for producers (p-queue's `onSizeLessThan`): callers waiting for a queue's size
 * to drop below their limit. The queue reports every drop with `release(size)`.
 */
export class SizeWatchers {
  readonly #line: WaitingLine<number>;

  /** `describe(limit)` names what is counted, for a timeout's message: "The queue held 3 items". */
  constructor(describe: (limit: number) => string) {
    this.#line = new WaitingLine<number>(
      (timeout, limit) => new QueueTimeoutError(`${describe(limit)} or more for ${timeout} ms`),
    );
  }

  /** Resolves once `size` < `limit`: at once, or after a later `release`. Never throws. */
  watch(size: number, limit: number, options: WaitOptions | undefined): Promise<void> {
    const wait = validate.waitOptionsOrError(options);
    if (wait instanceof Error) return Promise.reject(wait);
    try {
      validate.integer(limit, 'limit', 1);
    } catch (error) {
      return Promise.reject(error);
    }
    if (wait.signal?.aborted) return Promise.reject(wait.signal.reason);
    if (size < limit) return Promise.resolve();
    return this.#line.wait(limit, wait);
  }

  /** The size dropped to `size`: releases the watchers whose limit it is now below. */
  release(size: number): void {
    this.#line.serveWhere((below) => size < below, undefined);
  }
}
