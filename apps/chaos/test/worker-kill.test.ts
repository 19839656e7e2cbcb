import { describe, expect, it } from '@jest/globals';
import { busiestWorker } from '../src/drills/worker-kill';

/** A load whose requests in flight on each worker are `onEach` (by pid). */
const loadWith = (onEach: Record<number, number>) => ({
  inFlightOn: (pid: number) => onEach[pid] ?? 0,
});

describe('busiestWorker', () => {
  it('picks the worker carrying the most requests in flight, wherever it is in fork order', () => {
    // After a first kill: the survivor (101) carries the connections, the replacement (103)
    // just forked carries none.
    expect(busiestWorker([101, 103], loadWith({ 101: 32, 103: 0 }))).toBe(101);
    expect(busiestWorker([101, 103], loadWith({ 101: 3, 103: 29 }))).toBe(103);
    expect(busiestWorker([101, 102, 103], loadWith({ 101: 5, 102: 20, 103: 7 }))).toBe(102);
  });

  it('takes the first of equals, and nothing from no worker', () => {
    expect(busiestWorker([101, 103], loadWith({ 101: 4, 103: 4 }))).toBe(101);
    expect(busiestWorker([101, 103], loadWith({}))).toBe(101);
    expect(busiestWorker([], loadWith({ 101: 4 }))).toBeUndefined();
  });
});
