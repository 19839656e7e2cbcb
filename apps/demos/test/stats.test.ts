import { medianRatio, ratiosPerRound, recordOf } from '../src/measure/stats';

describe('per-round ratios', () => {
  it('takes the median of each round’s own ratio, not the ratio of the medians', () => {
    // Ratios 1.43, 2.60, 0.71: median 1.43. The medians' ratio would be 120 / 77 = 1.56.
    expect(ratiosPerRound([100, 200, 120], [70, 77, 168])).toEqual([100 / 70, 200 / 77, 120 / 168]);
    expect(medianRatio([100, 200, 120], [70, 77, 168])).toBe(100 / 70);
  });

  it('is NaN for no rounds, or when the second side lacks one', () => {
    expect(medianRatio([], [])).toBeNaN();
    expect(medianRatio([100, 110, 120], [70, 77])).toBeNaN();
    // Extra rounds of the second side are not compared.
    expect(medianRatio([100], [50, 1])).toBe(2);
  });
});

describe('recordOf', () => {
  it('maps each key to its figure', () => {
    expect(recordOf(['a', 'b'] as const, (k) => k.toUpperCase())).toEqual({ a: 'A', b: 'B' });
  });
});
