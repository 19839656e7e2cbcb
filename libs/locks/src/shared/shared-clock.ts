/*
 * Every shared primitive's buffer begins with the same 8-byte header:
 *
 *   byte 0        8
 *   ┌─────────────┬──────────────── primitive cells (Int32) ...
 *   │ epoch (f64) │
 *   └─────────────┘
 *
 * `epoch` is the creation time (ms since 1970, written once before the buffer is shared), the
 * base of the Int32 "ms since epoch" stamps the primitive keeps (waiting since, holding since).
 * Int32 because Atomics has no Float64 operations; that spans 24 days, ample for diagnostics.
 */
export const HEADER_WORDS = 2;

/** Wall-clock ms with sub-ms precision, comparable across threads (each has its own timeOrigin). */
function nowMs(): number {
  return performance.timeOrigin + performance.now();
}

export function createSharedBuffer(words: number): SharedArrayBuffer {
  const buffer = new SharedArrayBuffer((HEADER_WORDS + words) * Int32Array.BYTES_PER_ELEMENT);
  new Float64Array(buffer, 0, 1)[0] = nowMs();
  return buffer;
}

export class SharedClock {
  readonly #epoch: number;

  constructor(buffer: SharedArrayBuffer) {
    this.#epoch = new Float64Array(buffer, 0, 1)[0] as number;
  }

  /** Now, as an Int32 stamp. */
  stamp(): number {
    return Math.min(0x7fffffff, Math.round(nowMs() - this.#epoch));
  }

  /** Now, in ms since the epoch, unrounded: one reading for all the ages of one report. */
  now(): number {
    return nowMs() - this.#epoch;
  }

  /**
   * Ms elapsed since `stamp`, as of `now`. A report reads the clock once and passes it to every
   * age it gives, so that ages from one stamp compare: a holder stamped by its first waiter has
   * held exactly as long as that waiter waited, not a few µs less for being read first.
   */
  ageMs(stamp: number, now = this.now()): number {
    return Math.max(0, now - stamp);
  }
}
