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
});

describe('how a benchmark prints repeated rounds', () => {
  it('as a range, a median with its range, or a spread relative to the median', () => {
    expect(range([1.2, 0.99, 1.09], 2)).toBe('0.99–1.20');
    expect(medianAndRange([1.2, 0.99, 1.09], 2)).toBe('1.09 (0.99–1.20)');
    expect(spreadPercent([90, 100, 110])).toBe('20%');
  });
});
