import { InvalidArgumentError } from './errors';

/**
 * The largest limit countPrimes takes: its sieve is limit + 1 bytes, so this is a 1 GiB
 * allocation. Past it the caller got V8's own RangeError, with no code ("Array buffer allocation
 * failed" at 1e12, "Invalid typed array length" at 2^53 - 1). The services' route stops at
 * 20,000,000.
 */
export const MAX_PRIMES_LIMIT = 2 ** 30;

/**
 * How many primes are <= limit, by a sieve of Eratosthenes over a Uint8Array.
 *
 * The sieve allocates limit + 1 bytes on purpose: this workload exercises memory as well as
 * CPU (1e6 -> about 1 MB), which is why it is not the more compact odd-only bitset.
 *
 * @param limit an integer from 0 to {@link MAX_PRIMES_LIMIT}
 * @throws InvalidArgumentError when limit is not an integer in that range
 */
export function countPrimes(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_PRIMES_LIMIT) {
    throw new InvalidArgumentError(
      `countPrimes expects an integer from 0 to ${MAX_PRIMES_LIMIT}, got ${limit}`,
    );
  }
  if (limit < 2) return 0;

  // composite[i] === 1 means i has a factor other than 1 and itself.
  const composite = new Uint8Array(limit + 1);
  for (let i = 2; i * i <= limit; i++) {
    if (composite[i] === 1) continue;
    // Smaller multiples of i were already crossed out by smaller primes.
    for (let j = i * i; j <= limit; j += i) composite[j] = 1;
  }

  let count = 0;
  for (let i = 2; i <= limit; i++) if (composite[i] === 0) count++;
  return count;
}
