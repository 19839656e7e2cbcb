import { hybrid, IO_OVERLAP, LAG_RATIO, POOL_GAIN, WAYS } from '../src/demos/hybrid';
import { onEnoughCores, overlong, runDemo } from '../test/support/run-demo';

describe('hybrid', () => {
  it('downloads one by one, then all at once with the CPU work on the loop, in threads and in processes', async () => {
    const jobs = 6;
    // 200 ms: the six requests of the overlapped ways are all out long before the first answer.
    const run = await runDemo(hybrid, { jobs, n: 27, latencyMs: 200, workers: 2, rounds: 1 });
    const f = onEnoughCores(run, 2);
    if (f === undefined) return;
    expect(f.ms.sequential).toHaveLength(1);
    for (const way of WAYS) expect(f.wrongResults[way]).toBe(0);
    // The waits: one at a time one by one (the control), all six at once in the other ways —
    // counted by the server, not timed.
    expect(f.peakDownloads).toEqual({ sequential: 1, async: jobs, threads: jobs, processes: jobs });
    // Where the CPU work ran: on this thread in the first two ways, never in the pools' ways.
    expect(f.onLoop).toEqual({ sequential: true, async: true, threads: false, processes: false });
    expect(f.runners.sequential).toBe(1);
    expect(f.runners.threads).toBeGreaterThanOrEqual(1);
    expect(f.runners.processes).toBeGreaterThanOrEqual(1);
    // One by one waits for each download in turn: a floor, whatever the machine's speed.
    expect(f.ms.sequential[0]).toBeGreaterThanOrEqual(jobs * 200);
    // The verdict is the figures compared with their margins — no wall-clock bound here.
    expect(run.result.verdict.holds).toBe(
      f.lagRatio >= LAG_RATIO &&
        f.overlap >= IO_OVERLAP &&
        Math.min(f.threadGain, f.processGain) >= POOL_GAIN,
    );
    expect(overlong(run, 'hybrid')).toEqual([]);
  });
});
