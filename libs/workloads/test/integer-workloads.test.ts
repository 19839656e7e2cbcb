import fc from 'fast-check';
import { countPrimes, fib, InvalidArgumentError, MAX_PRIMES_LIMIT } from '../src/index';

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
  it('returns fib(-0) as 0, not -0', () => {
    expect(Object.is(fib(-0), 0)).toBe(true);
  });

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
  // Past its bound the sieve's allocation failed with V8's RangeError, which has no code.
  it('refuses a limit past MAX_PRIMES_LIMIT with its code, and names the bound', () => {
    for (const limit of [MAX_PRIMES_LIMIT + 1, 1e12, Number.MAX_SAFE_INTEGER]) {
      expect(() => countPrimes(limit)).toThrow(
        expect.objectContaining({
          code: 'ERR_WORKLOAD_INVALID_ARGUMENT',
          message: `countPrimes expects an integer from 0 to ${MAX_PRIMES_LIMIT}, got ${limit}`,
        }),
      );
    }
  });

  // A limit that is a prime's square is crossed out only by that prime, the last the sieve's
  // outer loop reaches: `i * i < limit` counted 4, 9, 25 ... as primes. Not left to fast-check's
  // draw below, which hits one in some seeds only.
  it.each([4, 9, 25, 49, 121, 169])('does not count %i, a prime squared, as a prime', (limit) => {
    expect(countPrimes(limit)).toBe(countPrimesByTrialDivision(limit));
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
});
