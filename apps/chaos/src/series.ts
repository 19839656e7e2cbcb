import { median } from '@concurrency-lab/report-kit';

/** A point of a time series: `t` in seconds. */
export interface Point {
  t: number;
  v: number;
}

/** Least-squares slope of `v` over `t`, per minute; 0 for fewer than two distinct times. */
export function slopePerMinute(points: readonly Point[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const meanT = points.reduce((s, p) => s + p.t, 0) / n;
  const meanV = points.reduce((s, p) => s + p.v, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.t - meanT) * (p.v - meanV);
    den += (p.t - meanT) ** 2;
  }
  return den === 0 ? 0 : (num / den) * 60;
}

/**
 * Slope per minute of the lower envelope: the minimum of each `windowS`-second window. A heap
 * saws up between collections; its floor after each collection is what a leak lifts.
 */
export function floorSlopePerMinute(points: readonly Point[], windowS: number): number {
  const floors = new Map<number, Point>();
  for (const p of points) {
    const w = Math.floor(p.t / windowS);
    const floor = floors.get(w);
    if (!floor || p.v < floor.v) floors.set(w, p);
  }
  return slopePerMinute([...floors.values()]);
}

/** Median of the last quarter minus median of the first quarter (needs ≥ 4 points, else 0). */
export function quarterDrift(values: readonly number[]): number {
  const q = Math.floor(values.length / 4);
  if (q === 0) return 0;
  return median(values.slice(-q)) - median(values.slice(0, q));
}
