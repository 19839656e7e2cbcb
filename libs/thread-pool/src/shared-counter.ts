import { performance } from 'node:perf_hooks';

/**
 * The threads model's shared counter: one Int64 in a SharedArrayBuffer that every pool thread
 * maps. The main thread only reads and resets it (Atomics, never blocking); the pool threads
 * increment it. 64 bits, not 32: the other models hold their counter in a JS number, exact to
 * 2^53, and an Int32 would wrap to a negative value after 2,147 requests of the contract's
 * largest `times` — a safe increment that looks like lost updates. Atomics work on a
 * BigInt64Array as on an Int32Array (load, store, compareExchange), at about the same speed
 * here.
 *
 *   SharedArrayBuffer (8 bytes)
 *   ┌───────────────┐
 *   │ value (int64) │  ← read, derive, write from every thread: unguarded (unsafe), or under
 *   └───────────────┘    the locks' SharedMutex in batches (safe; see incrementCell)
 */
export class SharedCounterCell {
  readonly buffer: SharedArrayBuffer;
  readonly #cell: BigInt64Array;

  constructor(buffer: SharedArrayBuffer = new SharedArrayBuffer(BigInt64Array.BYTES_PER_ELEMENT)) {
    this.buffer = buffer;
    this.#cell = new BigInt64Array(buffer);
  }

  /** Exact while the value is a safe integer (2^53: 9 × 10^9 requests of a million). */
  read(): number {
    return Number(Atomics.load(this.#cell, 0));
  }

  reset(): void {
    Atomics.store(this.#cell, 0, 0n);
  }
}

/** Where `derive` leaves its scratch value, so the JIT cannot drop the work as dead code. */
let sink = 0;

/**
 * The "compute" between reading and writing: a few rounds of an LCG seeded by the value read.
 * Real updates compute something (a balance after a fee, a total after a parse); without it the
 * read and the write sit a nanosecond apart and a race is rare enough to look like luck.
 */
function derive(seen: bigint): bigint {
  let x = Number(BigInt.asIntN(32, seen));
  for (let round = 0; round < 32; round++) x = (Math.imul(x, 1103515245) + 12345) | 0;
  sink ^= x;
  return seen + 1n;
}

/** Lock wait and hold times of one share, reported back so the main thread can record them. */
export interface LockTimes {
  waitMs: number[];
  holdMs: number[];
}

/**
 * Increments under one acquisition of the lock: short enough to stay fair, long enough to be cheap.
 */
export const LOCKED_BATCH = 1000;

/** Lock-free increments between two looks at `stopped` (in the pool: one Atomics.load). */
const STOP_CHECK_EVERY = LOCKED_BATCH;
const never = (): boolean => false;

/**
 * What one share's `acquireSync` needs: the locks lib's SharedMutex (or anything shaped like it).
 */
export interface SyncLock {
  acquireSync(): { unlock(): boolean };
}

/**
 * Runs in a pool thread; increments the shared cell `times` times.
 * - Unsafe: read, derive, write — nothing holds the three together, so two threads overwrite
 *   each other's increments: the lost update the demo shows.
 * - Safe with a lock (the service): the same read, derive, write, in batches under the locks
 *   lib's `SharedMutex` — mutual exclusion across threads, FIFO, its waits reported.
 * - Safe without a lock: `Atomics.compareExchange` writes only if the cell still holds what was
 *   read, else retries — optimistic and lock-free.
 * The reads and writes use `Atomics.load`/`Atomics.store` so the JIT cannot fold the loop into
 * one final store; the *sequence* is exactly as unsynchronized as `cell[0] = f(cell[0])`.
 * Once `stopped()` says so (its request gave up: a 504, its client gone), it adds no more
 * batch: it looks between batches of {@link LOCKED_BATCH}, so a share stops within one.
 */
export function incrementCell(
  buffer: SharedArrayBuffer,
  times: number,
  safe: boolean,
  lock?: SyncLock,
  stopped: () => boolean = never,
): { retries: number; lockTimes: LockTimes } {
  const cell = new BigInt64Array(buffer);
  const lockTimes: LockTimes = { waitMs: [], holdMs: [] };
  let retries = 0;
  if (safe && lock) {
    // `stopped` between batches, with the lock let go: a stop never leaves it held.
    for (let done = 0; done < times && !stopped(); done += LOCKED_BATCH) {
      const asked = performance.now();
      const token = lock.acquireSync();
      const granted = performance.now();
      try {
        for (let i = done; i < Math.min(times, done + LOCKED_BATCH); i++) {
          Atomics.store(cell, 0, derive(Atomics.load(cell, 0)));
        }
      } finally {
        token.unlock();
      }
      lockTimes.waitMs.push(granted - asked);
      lockTimes.holdMs.push(performance.now() - granted);
    }
    return { retries, lockTimes };
  }
  for (let i = 0; i < times; i++) {
    if (i % STOP_CHECK_EVERY === 0 && stopped()) break;
    if (safe) {
      for (;;) {
        const seen = Atomics.load(cell, 0);
        if (Atomics.compareExchange(cell, 0, seen, derive(seen)) === seen) break;
        retries++;
      }
    } else {
      const seen = Atomics.load(cell, 0);
      Atomics.store(cell, 0, derive(seen));
    }
  }
  return { retries: retries + (sink & 0), lockTimes };
}

/**
 * A start line's cells: [0] the parties arrived, [1] 1 once the request gave up on its shares
 * (one was refused or failed, its deadline passed, its client left) — a share that has not
 * started its increments then adds none, and one counting stops at the end of its batch.
 */
export const START_LINE_BYTES = 2 * Int32Array.BYTES_PER_ELEMENT;

/** Tells the request's shares still at (or not yet at) the start line to add nothing. */
export function abandonStartLine(start: SharedArrayBuffer): void {
  Atomics.store(new Int32Array(start), 1, 1);
}

export function startLineAbandoned(start: SharedArrayBuffer): boolean {
  return Atomics.load(new Int32Array(start), 1) === 1;
}

/**
 * A one-shot start line for `parties` threads, so their increments really overlap (otherwise
 * one thread may finish its share before the next is even scheduled, and nothing is lost).
 * It spins instead of `Atomics.wait`: waking a sleeping thread takes longer than a whole share
 * of increments, so sleepers would start too late to race. Gives up after `timeoutMs`, so a party
 * that never comes (its thread busy with other work) cannot hang the others, and at once when
 * the request is abandoned (see {@link abandonStartLine}).
 */
export function awaitStartLine(
  start: SharedArrayBuffer,
  parties: number,
  timeoutMs = 1000,
): boolean {
  const arrived = new Int32Array(start);
  Atomics.add(arrived, 0, 1);
  const deadline = Date.now() + timeoutMs;
  while (Atomics.load(arrived, 0) < parties) {
    if (startLineAbandoned(start) || Date.now() > deadline) return false;
  }
  return true;
}
