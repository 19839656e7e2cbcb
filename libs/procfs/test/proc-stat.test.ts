import { describe, expect, it, jest } from '@jest/globals';
import fs, { readFileSync } from 'node:fs';
import { readStat } from '../src';

describe('readStat', () => {
  // Checked against two other clocks: the system's uptime now (/proc/uptime) and how long Node
  // says this process has run. A wrong field (a neighbour counts pages or ticks of CPU) lands far
  // from both.
  it('reads starttime (field 22): this process started its own uptime ago', () => {
    const stat = readStat(process.pid);
    const uptimeNow = Number(readFileSync('/proc/uptime', 'utf8').split(' ')[0]);
    const startedAt = (stat?.startTicks ?? Number.NaN) / 100;
    expect(startedAt).toBeLessThanOrEqual(uptimeNow);
    expect(startedAt).toBeGreaterThan(uptimeNow - process.uptime() - 1);
  });
});

describe('readStat of a line it cannot parse', () => {
  // A real /proc always has every field; a short or garbled line (another kernel's, a reading
  // cut short) must be no answer rather than NaN, which would stick in any sum it joined.
  it.each([
    ['a short line', '4242 (node) S 1 4242 4242 0 -1 4194560 100 0 0 0 12'],
    [
      'a line with a time that is not a number',
      `4242 (node) S ${'1 '.repeat(10)}x 3 0 0 20 0 7 0 9999 1`,
    ],
  ])('is undefined for %s, not NaN figures', (_what, line) => {
    const read = jest.spyOn(fs, 'readFileSync').mockReturnValueOnce(line);
    try {
      expect(readStat(4242)).toBeUndefined();
      // The line given is the one read: its own stat, once.
      expect(read.mock.calls.map(([path]) => path)).toEqual(['/proc/4242/stat']);
    } finally {
      read.mockRestore();
    }
  });
});
