import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { median, medianAndRange, percentile, range, spreadPercent } from '../src';

describe('median and percentile', () => {
  it('takes the middle value, or the mean of the two middle ones, whatever the order', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('puts as many values at or below the median as at or above it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -1e6, max: 1e6 }), { minLength: 1 }), (values) => {
        const m = median(values);
        expect(values.filter((v) => v <= m).length).toBeGreaterThanOrEqual(values.length / 2);
        expect(values.filter((v) => v >= m).length).toBeGreaterThanOrEqual(values.length / 2);
      }),
    );
  });

  it('gives a measured value by nearest rank for a percentile', () => {
    const values = Array.from({ length: 100 }, (_, i) => 100 - i); // 100 … 1, unsorted
    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile(values, 100)).toBe(100);
    expect(percentile(values, 0)).toBe(1);
    expect(percentile([2, 1], 50)).toBe(1); // a measured value, not their mean
    expect(percentile([], 50)).toBeNaN();
  });

  it('ranks exactly for p as written, where (p / 100) * n lands a hair above a whole rank', () => {
    const oneTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
    expect(percentile(oneTo(1000), 99.9)).toBe(999);
    expect(percentile(oneTo(100), 7)).toBe(7);
    expect(percentile(oneTo(10_000), 99.99)).toBe(9999);
    expect(percentile(oneTo(1000), 0.1)).toBe(1);
    expect(percentile(oneTo(1000), 0.11)).toBe(2);
    expect(percentile(oneTo(3), 100 / 3)).toBe(2); // 33.333333333333336 is above a third
    expect(percentile(oneTo(100_000), 0.0015)).toBe(2);
    expect(percentile([3, 1, 2], 1.5e-7)).toBe(1); // `String` prints it with an exponent
  });

  // The reference counts in whole numbers, so it is exact: for p = k / 10^decimals, a rank r
  // has at least p % of n values at or below it when r · 100 · 10^decimals ≥ k · n.
  const hasShare = (r: number, n: number, k: number, decimals: number) =>
    r * 100 * 10 ** decimals >= k * n;
  /**
   * The nearest rank by that reference: the smallest rank with at least p %, the first for p = 0.
   */
  const referenceRank = (n: number, k: number, decimals: number) => {
    let r = 1;
    while (!hasShare(r, n, k, decimals)) r++;
    return r;
  };
  // n … 1: a value is its rank.
  const ranked = (n: number) => Array.from({ length: n }, (_, i) => n - i);

  it('agrees with an exact reference for every p of one decimal and up to 120 values', () => {
    const wrong: string[] = [];
    for (let n = 1; n <= 120; n++) {
      const values = ranked(n);
      for (let k = 0; k <= 1000; k++) {
        const got = percentile(values, k / 10);
        if (got !== referenceRank(n, k, 1)) wrong.push(`p=${k / 10} n=${n}: ${got}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('agrees with an exact reference on p of up to 3 decimals, landing on a whole rank or not', () => {
    // Every divisor of 100 000 up to 5000: p = r / n of the values then is a decimal of at most 3
    // digits for every r, a whole rank where the floating-point product errs the most.
    const divisors = Array.from({ length: 5000 }, (_, i) => i + 1).filter((d) => 100_000 % d === 0);
    const exact = fc
      .constantFrom(...divisors)
      .chain((n) =>
        fc.integer({ min: 0, max: n }).map((r) => ({ n, k: (r * 100_000) / n, decimals: 3 })),
      );
    const any = fc
      .tuple(fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 3 }))
      .chain(([n, decimals]) =>
        fc.integer({ min: 0, max: 100 * 10 ** decimals }).map((k) => ({ n, k, decimals })),
      );
    fc.assert(
      fc.property(fc.oneof(exact, any), ({ n, k, decimals }) => {
        const p = k / 10 ** decimals;
        expect([p, n, percentile(ranked(n), p)]).toEqual([p, n, referenceRank(n, k, decimals)]);
      }),
      { numRuns: 2000 },
    );
  });

  it('is NaN when a value is NaN, wherever it sits, not a value picked by how NaN sorted', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 })),
        fc.nat(),
        fc.integer({ min: 0, max: 100 }),
        (values, at, p) => {
          const withNaN = [...values];
          withNaN.splice(at % (values.length + 1), 0, Number.NaN);
          expect([median(withNaN), percentile(withNaN, p)]).toEqual([Number.NaN, Number.NaN]);
        },
      ),
    );
    expect(median([Number.NaN, 1, 2])).toBeNaN(); // was 1
    expect(percentile([2, 1, Number.NaN], 50)).toBeNaN(); // was 2
  });

  it('throws a RangeError for a p that is not a percentile from 0 to 100', () => {
    for (const p of [Number.NaN, -1, 100.5, Number.POSITIVE_INFINITY]) {
      expect(() => percentile([1, 2], p)).toThrow(
        new RangeError(`Expected \`p\` to be a percentile from 0 to 100, got \`${p}\``),
      );
      expect(() => percentile([], p)).toThrow(RangeError);
    }
  });
});

describe('how a benchmark prints repeated rounds', () => {
  it('as a range, a median with its range, or a spread relative to the median', () => {
    expect(range([1.2, 0.99, 1.09], 2)).toBe('0.99–1.20');
    expect(medianAndRange([1.2, 0.99, 1.09], 2)).toBe('1.09 (0.99–1.20)');
    expect(spreadPercent([90, 100, 110])).toBe('20%');
  });

  it('as a dash when there is no figure: no rounds, a NaN among them, or no median to divide by', () => {
    const none = [[], [1, Number.NaN, 2]];
    expect(none.map((values) => range(values, 2))).toEqual(['—', '—']);
    expect(none.map((values) => medianAndRange(values, 2))).toEqual(['—', '—']);
    expect(none.map((values) => spreadPercent(values))).toEqual(['—', '—']);
    expect(spreadPercent([0, 1, 0])).toBe('—'); // was Infinity%
    expect(spreadPercent([0, 0, 0])).toBe('—'); // was NaN%
    expect(spreadPercent([1, Infinity])).toBe('—'); // was NaN%: a ratio to an anchor that measured 0
    expect(range([5], 1)).toBe('5.0–5.0');
  });
});
