import type { CounterStore, IncrementResult } from '@concurrency-lab/service-kit';
import { performance } from 'node:perf_hooks';
import { SharedCounterCell, type LockTimes } from './shared-counter';
import type { ThreadPoolRunner } from './thread-pool-runner';

/**
 * The threads model's counter: the increments of one request are split over every pool thread,
 * which all start together (see `awaitStartLine`) and hit the same SharedArrayBuffer cell.
 */
export class PoolCounter implements CounterStore {
  readonly #cell: SharedCounterCell;
  readonly #runner: ThreadPoolRunner;

  readonly #onLockTimes: ((times: LockTimes) => void) | undefined;

  /** @param onLockTimes receives the pool threads' waits for and holds of the counter lock */
  constructor(
    cell: SharedCounterCell,
    runner: ThreadPoolRunner,
    onLockTimes?: (times: LockTimes) => void,
  ) {
    this.#cell = cell;
    this.#runner = runner;
    this.#onLockTimes = onLockTimes;
  }

  async increment(times: number, safe: boolean, signal: AbortSignal): Promise<IncrementResult> {
    const before = this.#cell.read();
    const parties = Math.min(this.#runner.workers, times);
    const start = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const submittedAt = performance.timeOrigin + performance.now();
    const shares = Array.from(
      { length: parties },
      (_, i) => Math.floor(times / parties) + (i < times % parties ? 1 : 0),
    );
    const responses = await Promise.all(
      shares.map((share) =>
        this.#runner.request(
          { op: 'increment', times: share, safe, start, parties, submittedAt },
          signal,
        ),
      ),
    );
    for (const response of responses) {
      const lockTimes = (response.result as { lockTimes?: LockTimes } | null)?.lockTimes;
      if (lockTimes) this.#onLockTimes?.(lockTimes);
    }
    return { expected: before + times, actual: this.#cell.read() };
  }

  async read(): Promise<number> {
    return this.#cell.read();
  }

  async reset(): Promise<void> {
    this.#cell.reset();
  }
}
