/**
 * A mutex in one int32 of shared memory: Drepper's "mutex2" from "Futexes Are Tricky" (2011).
 * States: 0 free, 1 held, 2 held with (possible) sleepers. The uncontended path is one
 * compareExchange to lock and one sub to unlock, with no notify; only a holder that saw 2
 * pays for `Atomics.notify`.
 *
 * Critical sections here copy a few records, so a short spin usually wins over sleeping.
 */
const FREE = 0;
const HELD = 1;
const CONTENDED = 2;
const SPINS = 64;

/** A hint to the CPU that we spin (V8 ships `Atomics.pause` since 13.3; absent, a no-op). */
export const pause: () => void =
  (Atomics as unknown as { pause?: () => void }).pause?.bind(Atomics) ?? (() => undefined);

export function tryLock(cells: Int32Array, index: number): boolean {
  return Atomics.compareExchange(cells, index, FREE, HELD) === FREE;
}

function spinLock(cells: Int32Array, index: number): boolean {
  for (let i = 0; i < SPINS; i++) {
    if (Atomics.load(cells, index) === FREE && tryLock(cells, index)) return true;
    pause();
  }
  return false;
}

/** Blocks the thread (Atomics.wait): for worker threads only. */
export function lockSync(cells: Int32Array, index: number): void {
  if (tryLock(cells, index) || spinLock(cells, index)) return;
  while (Atomics.exchange(cells, index, CONTENDED) !== FREE) {
    Atomics.wait(cells, index, CONTENDED);
  }
}

/**
 * Never blocks, not even to spin: sleeps with Atomics.waitAsync, so the event loop keeps
 * running meanwhile (the main thread's way in).
 */
export async function lockAsync(cells: Int32Array, index: number): Promise<void> {
  if (tryLock(cells, index)) return;
  while (Atomics.exchange(cells, index, CONTENDED) !== FREE) {
    const wait = Atomics.waitAsync(cells, index, CONTENDED);
    if (wait.async) await wait.value;
  }
}

export function unlock(cells: Int32Array, index: number): void {
  // 1 → 0: nobody sleeps. 2 → 1: someone may: free it and wake one sleeper, who re-marks it 2.
  if (Atomics.sub(cells, index, 1) !== HELD) {
    Atomics.store(cells, index, FREE);
    Atomics.notify(cells, index, 1);
  }
}
