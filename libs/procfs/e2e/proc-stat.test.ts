import { spawnSync } from 'node:child_process';
import { readStat, ticksToSeconds } from '../src/proc-stat';

describe('readStat', () => {
  it('reads cutime + cstime (fields 16 and 17): a waited-for child’s time is added to its parent', () => {
    const before = readStat(process.pid);
    // spawnSync returns once it has waited for the child, which uses 0.4 s of CPU.
    const burn = 'while (process.cpuUsage().user + process.cpuUsage().system < 400_000);';
    expect(spawnSync(process.execPath, ['-e', burn]).status).toBe(0);
    const after = readStat(process.pid);
    expect(after?.state).toBe('R'); // reading itself, it runs
    const moved = ticksToSeconds((after?.reapedCpuTicks ?? 0) - (before?.reapedCpuTicks ?? 0));
    expect(moved).toBeGreaterThanOrEqual(0.35); // its 10 ms ticks may trail getrusage by a few
    expect(moved).toBeLessThan(0.4 + 1); // the burn and a Node start-up, no more
    // utime + stime (fields 14 and 15): this process's own time, as getrusage counts it.
    const own = (process.cpuUsage().user + process.cpuUsage().system) / 1e6;
    expect(ticksToSeconds(after?.ownCpuTicks ?? 0)).toBeGreaterThan(own - 0.1);
    expect(ticksToSeconds(after?.ownCpuTicks ?? 0)).toBeLessThanOrEqual(own + 0.01);
  });

  it('is undefined for a process that does not exist', () => {
    expect(readStat(2 ** 22 + 1)).toBeUndefined();
  });
});
