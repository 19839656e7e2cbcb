import { performance } from 'node:perf_hooks';
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
 * lib's FIFO `Mutex`. Increment requests take turns, as on every other model.
 */
export class InLoopCounter implements CounterStore {
  #value = 0;
  /** Named for `lab_lock_*{lock="counter"}`; FIFO, so no lane starves. */
  readonly #mutex = new Mutex({ name: 'counter' });
  /**
   * One increment request at a time, first come first served (named as the threads model's
   * turn): each request's before/after then describes its own lanes' increments.
   * Without it, two safe requests of 100,000 answered `{ expected: 100000, actual: 167225 }`
   * — exact together, each counting the other's increments. A waiting request is bounded as on
   * the other models: by its signal (its deadline, its client leaving) and by `MAX_QUEUE`.
   */
  readonly #turns = new Mutex({ name: 'counter-requests' });
  #turn: Promise<void> | undefined;

  async increment(times: number, safe: boolean, signal: AbortSignal): Promise<IncrementResult> {
    // `acquire`, not `withLock`: inside `withLock` the eight lanes would all be one owner of
    // the locks they take, and the lock lib's deadlock check would refuse a lane waiting for
    // the lane mutex that another lane of the same owner holds.
    const asked = performance.now();
    const turn = await this.#turns.acquire({ signal });
    const waitedMs = performance.now() - asked;
    try {
      const before = this.#value;
      const per = Math.floor(times / LANES);
      const lanes = Array.from({ length: LANES }, (_, i) =>
        this.#lane(i < times % LANES ? per + 1 : per, safe, signal),
      );
      // Every lane ended before the turn passes on: a lane still counting after another one
      // gave up (a cancelled request) would add to the next request's before/after.
      const settled = await Promise.allSettled(lanes);
      const failed = settled.find((lane) => lane.status === 'rejected');
      if (failed) throw failed.reason;
      return { expected: before + times, actual: this.#value, waitedMs };
    } finally {
      turn.unlock();
    }
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
