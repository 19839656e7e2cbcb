import { waitAsync } from './atomic-wait';

/*
 * A mutex in one Int32 cell of the caller's own shared memory: Drepper's "mutex2" from
 * "Futexes Are Tricky" (2011). States: 0 free, 1 held, 2 held with (possible) sleepers. The
 * uncontended path is one compareExchange to lock and one sub to unlock, with no notify; only
 * a holder that saw 2 pays for `Atomics.notify`.
 *
 * For data structures that keep their lock inside their own layout and hold it for a few
 * hundred nanoseconds (the queues' shared ring). It is neither fair nor owned: use SharedMutex
 * (FIFO, owner checks, timeouts, stats) for anything a program holds for long.
 */
const FREE = 0;
const HELD = 1;
const CONTENDED = 2;
/** Critical sections under it copy a few records, so a short spin usually wins over sleeping. */
const SPINS = 64;

/** A hint to the CPU that we spin (V8 ships `Atomics.pause` since 13.3; absent, a no-op). */
export const spinPause: () => void =
  (Atomics as unknown as { pause?: () => void }).pause?.bind(Atomics) ?? (() => undefined);

export class WordMutex {
  readonly #cells: Int32Array;
  readonly #index: number;

  /** The lock is `cells[index]`, which must start at 0 (free). */
  constructor(cells: Int32Array, index: number) {
    this.#cells = cells;
    this.#index = index;
  }

  tryLock(): boolean {
    return Atomics.compareExchange(this.#cells, this.#index, FREE, HELD) === FREE;
  }

  /** Blocks the thread (Atomics.wait): for worker threads only. */
  lockSync(): void {
    if (this.tryLock() || this.#spin()) return;
    while (Atomics.exchange(this.#cells, this.#index, CONTENDED) !== FREE) {
      Atomics.wait(this.#cells, this.#index, CONTENDED);
    }
  }

  /**
   * Never blocks, not even to spin: sleeps with Atomics.waitAsync, so the event loop keeps
   * running meanwhile (the main thread's way in).
   *
   * Given up when `signal` aborts: rejects at once with its reason (a signal already aborted
   * rejects even when the lock is free). The abandoned acquisition cannot be cancelled — a
   * pending waitAsync stays registered, and `unlock` wakes one waiter, which may be it — so it
   * goes on and hands the lock straight back the moment it gets it; no live waiter is starved.
   */
  lockAsync(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason as Error);
    if (this.tryLock()) return Promise.resolve();
    const locking = this.#sleepUntilLocked();
    if (signal === undefined) return locking;
    return new Promise<void>((resolve, reject) => {
      let abandoned = false;
      const onAbort = (): void => {
        abandoned = true;
        reject(signal.reason as Error);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      void locking.then(() => {
        signal.removeEventListener('abort', onAbort);
        if (abandoned) this.unlock();
        else resolve();
      });
    });
  }

  async #sleepUntilLocked(): Promise<void> {
    while (Atomics.exchange(this.#cells, this.#index, CONTENDED) !== FREE) {
      await waitAsync(this.#cells, this.#index, CONTENDED, Infinity, undefined);
    }
  }

  unlock(): void {
    // 1 → 0: nobody sleeps. 2 → 1: someone may: free it and wake one sleeper, who re-marks it 2.
    if (Atomics.sub(this.#cells, this.#index, 1) !== HELD) {
      Atomics.store(this.#cells, this.#index, FREE);
      Atomics.notify(this.#cells, this.#index, 1);
    }
  }

  #spin(): boolean {
    for (let i = 0; i < SPINS; i++) {
      if (Atomics.load(this.#cells, this.#index) === FREE && this.tryLock()) return true;
      spinPause();
    }
    return false;
  }
}
