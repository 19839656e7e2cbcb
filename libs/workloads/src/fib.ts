import { InvalidArgumentError } from './errors';

/**
 * The n-th Fibonacci number by naive double recursion: fib(0) = 0, fib(1) = 1.
 *
 * Deliberately exponential (about 1.6^n calls): this is the pure-CPU workload that blocks
 * whichever thread runs it, with no allocation and no I/O. Do not "fix" it with memoisation.
 *
 * @param n a non-negative integer; cost roughly doubles every +1.5, so keep it small (< ~40)
 * @throws InvalidArgumentError when n is not a non-negative safe integer
 */
export function fib(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) {
    throw new InvalidArgumentError(`fib expects a non-negative integer, got ${n}`);
  }
  // -0 passes the check above; fib(-0) is 0, not the -0 that `n < 2 ? n` would give back.
  return fibRecursive(n === 0 ? 0 : n);
}

// Validation lives outside the recursion so the hot path is only the recursion itself.
function fibRecursive(n: number): number {
  return n < 2 ? n : fibRecursive(n - 1) + fibRecursive(n - 2);
}
