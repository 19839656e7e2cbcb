import type { CounterStore, IncrementResult } from './counter-store';
import { Mutex } from '@concurrency-lab/locks';

/** Concurrent async tasks an increment request is spread over (one thread, many tasks). */
const LANES = 8;
/** Every this many steps a lane yields a whole macrotask turn, so timers and I/O still run. */
const YIELD_EVERY = 4096;

/**
 * The async model's counter: one number on one event loop, incremented by `LANES` concurrent
 * async tasks. Unsafe: `read → await → write` — each `await` lets the other lanes read the same
 * stale value, so updates are lost *without any threads*. Safe: the same steps under the locks
 * lib's FIFO `Mutex`.
 */
export class InLoopCounter implements CounterStore {
  #value = 0;
  /** Named for `lab_lock_*{lock="counter"}`; FIFO, so no lane starves. */
  readonly #mutex = new Mutex({ name: 'counter' });
  #turn: Promise<void> | undefined;

  async increment(times: number, safe: boolean, signal: AbortSignal): Promise<IncrementResult> {
    const before = this.#value;
    const per = Math.floor(times / LANES);
    const lanes = Array.from({ length: LANES }, (_, i) =>
      this.#lane(i < times % LANES ? per + 1 : per, safe, signal),
    );
    await Promise.all(lanes);
    return { expected: before + times, actual: this.#value };
  }

  async #lane(steps: number, safe: boolean, signal: AbortSignal): Promise<void> {
    signal.throwIfAborted();
    for (let i = 0; i < steps; i++) {
      if (i % YIELD_EVERY === YIELD_EVERY - 1) {
        await this.#macrotaskTurn();
        signal.throwIfAborted();
      }
      if (safe) {
        const token = await this.#mutex.acquire();
        try {
          await this.#step();
        } finally {
          token.unlock();
        }
      } else {
        await this.#step();
      }
    }
  }

  /**
   * One shared promise per turn: every lane that yields in this turn resumes in the same
   * microtask checkpoint, so the lanes keep interleaving. (Each lane awaiting its own
   * `setImmediate` would run alone until its next yield — Node drains microtasks after every
   * immediate callback — and the race would quietly disappear.)
   */
  #macrotaskTurn(): Promise<void> {
    this.#turn ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.#turn = undefined;
        resolve();
      }),
    );
    return this.#turn;
  }

  /** read → yield → write: the yield is where another task reads the same stale value. */
  async #step(): Promise<void> {
    const seen = this.#value;
    await Promise.resolve();
    this.#value = seen + 1;
  }

  read(): Promise<number> {
    return Promise.resolve(this.#value);
  }

  reset(): Promise<void> {
    this.#value = 0;
    return Promise.resolve();
  }
}
