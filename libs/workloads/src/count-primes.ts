import { InvalidArgumentError } from './errors';

/**
 * How many primes are <= limit, by a sieve of Eratosthenes over a Uint8Array.
 *
 * The sieve allocates limit + 1 bytes on purpose: this workload exercises memory as well as
 * CPU (1e6 -> about 1 MB), which is why it is not the more compact odd-only bitset.
 *
 * @param limit a non-negative integer
 * @throws InvalidArgumentError when limit is not a non-negative safe integer
 */
export function countPrimes(limit: number): number {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new InvalidArgumentError(`countPrimes expects a non-negative integer, got ${limit}`);
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
