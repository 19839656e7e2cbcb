import { Mutex } from '@concurrency-lab/locks';
import type { CounterStore, IncrementResult } from '@concurrency-lab/service-kit';
import { performance } from 'node:perf_hooks';
import {
  abandonStartLine,
  SharedCounterCell,
  START_LINE_BYTES,
  type LockTimes,
} from './shared-counter';
import type { ThreadPoolRunner } from './thread-pool-runner';

/** Never aborts: a share's thread is never terminated (see `PoolCounter#increment`). */
const UNCANCELLABLE = new AbortController().signal;

/**
 * The threads model's counter: the increments of one request are split over every pool thread,
 * which all start together (see `awaitStartLine`) and hit the same SharedArrayBuffer cell.
 */
export class PoolCounter implements CounterStore {
  readonly #cell: SharedCounterCell;
  readonly #runner: ThreadPoolRunner;
  /** One increment request at a time, as the Manager-held counter of the other models. */
  readonly #turns = new Mutex({ name: 'counter-requests' });

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

  /**
   * No share's thread is terminated to cancel it: a share holds the counter's SharedMutex while
   * it runs, and terminating its thread — inside the lock, more often than not — left the lock
   * held for ever and every later safe increment waiting on it (CI's fuzz saw exactly that:
   * counter requests hanging after a cancelled one). So the shares go to the pool
   * uncancellable, and `signal` cancels them at the start line instead: once it aborts (the
   * request's deadline, its client gone) the request abandons its start line, and a share that
   * has not begun its increments — still queued, or spinning at the line — adds none; one
   * already counting stops at the end of its batch (`LOCKED_BATCH` increments: well under a
   * millisecond). Before, it finished its whole share (500,000 increments, 100–370 ms), and a
   * request answered 504 went on counting after its answer. The
   * request then rejects with the signal's reason, once every share has ended.
   * A thread that dies anyway (crash, OOM) no longer wedges the lock when the runner's
   * `onThreadExited` recovers it (`SharedMutex#recoverDeadThread`, as the threads model does);
   * terminating stays off all the same: a killed share would leave its batch half-done and the
   * answer's `actual` short of `expected` for a reason that is not a race.
   */
  increment(times: number, safe: boolean, signal: AbortSignal): Promise<IncrementResult> {
    // A request waits for its turn (and gives it up when its client leaves): each request's
    // before/after then describes its own threads' increments, not a neighbour's, and its
    // shares find the pool as the room check left it.
    const asked = performance.now();
    return this.#turns.withLock(
      async () => {
        const waitedMs = performance.now() - asked;
        return { ...(await this.#increment(times, safe, signal)), waitedMs };
      },
      { signal },
    );
  }

  async #increment(times: number, safe: boolean, signal: AbortSignal): Promise<IncrementResult> {
    signal.throwIfAborted();
    const before = this.#cell.read();
    const parties = Math.min(this.#runner.workers, times);
    const start = new SharedArrayBuffer(START_LINE_BYTES);
    const submittedAt = performance.timeOrigin + performance.now();
    const shares = Array.from(
      { length: parties },
      (_, i) => Math.floor(times / parties) + (i < times % parties ? 1 : 0),
    );
    // All shares or none: a share once queued cannot be taken back, so a request refused
    // half-way (503, Retry-After) would still add the increments it had queued — and its
    // client's retry would add them again. A share refused (or failed) abandons the request's
    // start line, and the shares that have not begun add nothing; so does the request's signal.
    // The turn is held until every share has ended, so none adds to the next request's
    // before/after.
    const abandon = () => abandonStartLine(start);
    signal.addEventListener('abort', abandon, { once: true });
    let settled: PromiseSettledResult<Awaited<ReturnType<ThreadPoolRunner['request']>>>[];
    try {
      settled = await Promise.allSettled(
        shares.map((share) =>
          this.#runner
            .request(
              { op: 'increment', times: share, safe, start, parties, submittedAt },
              UNCANCELLABLE,
            )
            .catch((error: unknown) => {
              abandon();
              throw error;
            }),
        ),
      );
    } finally {
      signal.removeEventListener('abort', abandon);
    }
    signal.throwIfAborted();
    const failed = settled.find((s) => s.status === 'rejected');
    if (failed) throw failed.reason;
    for (const outcome of settled) {
      if (outcome.status !== 'fulfilled') continue;
      const lockTimes = (outcome.value.result as { lockTimes?: LockTimes } | null)?.lockTimes;
      if (lockTimes) this.#onLockTimes?.(lockTimes);
    }
    return { expected: before + times, actual: this.#cell.read() };
  }

  read(): Promise<number> {
    return Promise.resolve(this.#cell.read());
  }

  reset(): Promise<void> {
    this.#cell.reset();
    return Promise.resolve();
  }
}
