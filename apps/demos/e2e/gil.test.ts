import { gil, PARALLEL_SPEEDUP } from '../src/demos/gil';
import { medianRatio } from '../src/measure/stats';
import { onEnoughCores, overlong, runDemo } from '../test/support/run-demo';

describe('gil', () => {
  it('runs the CPU work on 1 thread, 2 threads and 2 processes, and judges by the speedup', async () => {
    const run = await runDemo(gil, { n: 25, tasks: 4, rounds: 3 });
    // One core cannot show parallelism: the demo must say so, not fake it.
    const f = onEnoughCores(run, 2);
    if (f === undefined) return;
    // Every task was computed right, and each pool really spread it: 1, 2 and 2 runners.
    expect(f.wrongResults).toBe(0);
    expect(f.runners).toEqual([1, 2, 2]);
    expect([f.ms.oneThread.length, f.ms.twoThreads.length, f.ms.twoProcesses.length]).toEqual([
      3, 3, 3,
    ]);
    // Each speedup is the median within-round ratio of the 1-thread runs to its own runs, by the
    // demo's own helper: a thread speedup taken from the process runs passes every other check.
    expect([f.threadSpeedup, f.processSpeedup]).toEqual([
      medianRatio(f.ms.oneThread, f.ms.twoThreads),
      medianRatio(f.ms.oneThread, f.ms.twoProcesses),
    ]);
    // The verdict is the figure compared with its margin — no wall-clock bound here: how fast
    // the shared machine is today is the benchmark's business.
    expect(run.result.verdict.holds).toBe(
      f.threadSpeedup >= PARALLEL_SPEEDUP && f.twoThreadCpuPerWall >= PARALLEL_SPEEDUP,
    );
    expect(overlong(run, 'gil')).toEqual([]);
  });
});
