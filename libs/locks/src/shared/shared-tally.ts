import type { LockInstrument } from '../common/lock-observer';
import { LockTimeoutError } from '../errors';

/*
 * Four consecutive Int32 cells every queueing shared primitive keeps, from `base`:
 *
 *   ┌──────────────┬───────────┬──────────┬────────┐
 *   │ acquisitions │ contended │ timeouts │ aborts │   counted by every thread
 *   └──────────────┴───────────┴──────────┴────────┘
 *
 * plus this thread's instrumentation: one place for the bookkeeping of a grant or a give-up.
 */
const ACQUISITIONS = 0;
const CONTENDED = 1;
const TIMEOUTS = 2;
const ABORTS = 3;

export const TALLY_WORDS = 4;

export interface TallyCounts {
  readonly acquisitions: number;
  readonly contended: number;
  readonly timeouts: number;
  readonly aborts: number;
}

export class SharedTally {
  readonly #cells: Int32Array;
  readonly #base: number;
  readonly #instrument: LockInstrument;

  constructor(cells: Int32Array, base: number, instrument: LockInstrument) {
    this.#cells = cells;
    this.#base = base;
    this.#instrument = instrument;
  }

  /** When a wait starts: performance.now() if someone observes, else NaN (no clock read). */
  start(): number {
    return this.#instrument.active ? performance.now() : NaN;
  }

  /** Counts a grant; returns the token's `acquiredAt` (undefined when unobserved). */
  granted(started: number, contended: boolean): number | undefined {
    Atomics.add(this.#cells, this.#base + ACQUISITIONS, 1);
    if (contended) Atomics.add(this.#cells, this.#base + CONTENDED, 1);
    if (!this.#instrument.active) return undefined;
    const now = performance.now();
    this.#instrument.acquired(Number.isNaN(started) ? 0 : now - started);
    return now;
  }

  /** An already-aborted signal refuses the wait before it begins (counted as an abort). */
  refuseAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) {
      this.aborted(NaN);
      throw signal.reason;
    }
  }

  /** After a wait: nothing when it was granted; counts and throws when it timed out or aborted. */
  settle(
    outcome: 'granted' | 'timeout' | 'aborted',
    timeout: number,
    started: number,
    signal: AbortSignal | undefined,
  ): void {
    if (outcome === 'timeout') throw this.timedOut(timeout, started);
    if (outcome === 'aborted') {
      this.aborted(started);
      throw signal?.reason;
    }
  }

  timedOut(timeout: number, started: number): LockTimeoutError {
    Atomics.add(this.#cells, this.#base + TIMEOUTS, 1);
    if (this.#instrument.active) {
      this.#instrument.gaveUp(Number.isNaN(started) ? 0 : performance.now() - started, 'timeout');
    }
    return new LockTimeoutError(this.#instrument.name, timeout);
  }

  aborted(started: number): void {
    Atomics.add(this.#cells, this.#base + ABORTS, 1);
    if (this.#instrument.active) {
      this.#instrument.gaveUp(Number.isNaN(started) ? 0 : performance.now() - started, 'abort');
    }
  }

  released(acquiredAt: number | undefined): void {
    if (acquiredAt !== undefined && this.#instrument.active) {
      this.#instrument.released(performance.now() - acquiredAt);
    }
  }

  counts(): TallyCounts {
    return readTally(this.#cells, this.#base);
  }
}

/**
 * The four counters laid out from `base` (the ticket lock keeps the same block in its cells).
 * Read as unsigned: an Int32 cell passes 2^31 after ~5 minutes of uncontended SharedMutex at
 * full speed and would then read negative in stats and the metrics fed from them. Unsigned,
 * they count to 2^32 - 1 and then wrap to 0, which metrics take as a counter reset. (BigInt64
 * cells would not wrap, but would cost every acquire a BigInt add.)
 */
export function readTally(cells: Int32Array, base: number): TallyCounts {
  return {
    acquisitions: Atomics.load(cells, base + ACQUISITIONS) >>> 0,
    contended: Atomics.load(cells, base + CONTENDED) >>> 0,
    timeouts: Atomics.load(cells, base + TIMEOUTS) >>> 0,
    aborts: Atomics.load(cells, base + ABORTS) >>> 0,
  };
}
