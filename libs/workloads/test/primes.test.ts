import fc from 'fast-check';
import { countPrimes } from '../src/index';

// Obviously-correct reference: trial division, one number at a time.
function countPrimesByTrialDivision(limit: number): number {
  let count = 0;
  for (let n = 2; n <= limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

describe('countPrimes', () => {
  it.each([
    [0, 0],
    [1, 0],
    [2, 1],
    [3, 2],
    [10, 4],
    [100, 25],
    [1_000_000, 78498],
  ])('counts the primes <= %i as %i', (limit, expected) => {
    expect(countPrimes(limit)).toBe(expected);
  });

  it('agrees with trial division for every limit up to 2000', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        (limit) => countPrimes(limit) === countPrimesByTrialDivision(limit),
      ),
      { numRuns: 200 },
    );
  });

  it.each([-1, 2.5, Number.NaN])('rejects %p with ERR_INVALID_ARGUMENT', (limit) => {
    expect(() => countPrimes(limit)).toThrow(
      expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' }),
    );
  });
});
