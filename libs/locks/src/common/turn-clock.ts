/**
 * A clock read at most once per event-loop turn, for the waiting-since stamps of unobserved
 * waits. performance.now() costs ~50 ns — a fifth of a contended in-loop acquire — and a stamp
 * is only read by stats and reports, where "since the start of the turn in which the wait
 * began" is precise enough: a healthy loop's turns last microseconds to a few milliseconds, and
 * the error only ever overstates the wait. Observed locks (an observer is registered) stamp
 * with performance.now() itself, so the wait times they report are exact.
 */
let cached: number | undefined;

const expire = (): void => {
  cached = undefined;
};

export function turnNow(): number {
  if (cached === undefined) {
    cached = performance.now();
    // Runs after the current macrotask and all its microtasks: the end of this turn.
    setImmediate(expire);
  }
  return cached;
}
