import { mulberry32 } from '../src';

describe('mulberry32', () => {
  it('repeats the same sequence for the same seed and a different one for another seed', () => {
    const draw = (seed: number): number[] => Array.from({ length: 5 }, mulberry32(seed));
    expect(draw(7)).toEqual(draw(7));
    expect(draw(7)).not.toEqual(draw(8));
  });

  it('yields numbers in [0, 1) spread across the range', () => {
    const random = mulberry32(1);
    const values = Array.from({ length: 10_000 }, random);
    expect(values.every((v) => v >= 0 && v < 1)).toBe(true);
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    expect(mean).toBeGreaterThan(0.45);
    expect(mean).toBeLessThan(0.55);
  });
});
