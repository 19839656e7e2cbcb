import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
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
