import fc from 'fast-check';
import { countPrimes, fib, InvalidArgumentError } from '../src/index';

// The two workloads of one non-negative integer: the same tests check their known values and
// their domain; what each computes is checked against its own reference below.
describe.each([
  { name: 'fib', run: fib, known: { 0: 0, 1: 1, 2: 1, 10: 55, 20: 6765, 30: 832040 } },
  {
    name: 'countPrimes',
    run: countPrimes,
    known: { 0: 0, 1: 0, 2: 1, 3: 2, 10: 4, 100: 25, 1_000_000: 78498 },
  },
])('$name', ({ name, run, known }) => {
  it.each(Object.entries(known))(`returns ${name}(%s) = %i`, (n, expected) => {
    expect(run(Number(n))).toBe(expected);
  });

  // Refused, instead of recursing on garbage (fib) or sizing a sieve by it (countPrimes).
  it.each([-1, 1.5, 2.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'rejects %p with ERR_WORKLOAD_INVALID_ARGUMENT',
    (n) => {
      expect(() => run(n)).toThrow(InvalidArgumentError);
      expect(() => run(n)).toThrow(
        expect.objectContaining({ code: 'ERR_WORKLOAD_INVALID_ARGUMENT' }),
      );
    },
  );
});

describe('fib', () => {
  it('satisfies the recurrence fib(n) = fib(n - 1) + fib(n - 2)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 22 }), (n) => fib(n) === fib(n - 1) + fib(n - 2)),
    );
  });
});

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
  it('agrees with trial division for every limit up to 2000', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2000 }),
        (limit) => countPrimes(limit) === countPrimesByTrialDivision(limit),
      ),
      { numRuns: 200 },
    );
  });
});
