import { describe, expect, it } from '@jest/globals';
import { floorSlopePerMinute, quarterDrift, slopePerMinute } from '../src/series';

describe('series', () => {
  it('measures a straight line’s slope per minute exactly', () => {
    const points = Array.from({ length: 61 }, (_, t) => ({ t, v: 1000 + 2 * t }));
    expect(slopePerMinute(points)).toBeCloseTo(120, 9);
    expect(slopePerMinute([{ t: 3, v: 9 }])).toBe(0);
  });

  it('follows the floor of a sawtooth (a heap between collections), not its teeth', () => {
    // Flat floor at 100 with teeth up to 190 every 10 s: no leak, whatever the phase of the teeth.
    const flat = Array.from({ length: 120 }, (_, t) => ({ t, v: 100 + (t % 10) * 10 }));
    expect(floorSlopePerMinute(flat, 10)).toBeCloseTo(0, 9);
    // The same teeth on a floor rising 1 per second: 60 per minute.
    const leaking = flat.map((p) => ({ t: p.t, v: p.v + p.t }));
    expect(floorSlopePerMinute(leaking, 10)).toBeCloseTo(60, 9);
    // The least-squares slope of a sawtooth cut mid-tooth is not 0: why the floor is used.
    expect(Math.abs(slopePerMinute(flat.slice(0, 115)))).toBeGreaterThan(1);
  });

  it('measures drift between the first and last quarter by medians', () => {
    expect(quarterDrift([10, 11, 10, 30, 12, 11, 14, 15])).toBe(4);
    expect(quarterDrift([1, 2, 3])).toBe(0);
  });
});
