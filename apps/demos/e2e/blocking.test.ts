import { blocking, LAG_RATIO, MIN_PINGS, MIN_SYNC_LAG_MS } from '../src/demos/blocking';
import { overlong, runDemo } from '../test/support/run-demo';

describe('blocking', () => {
  it('measures the loop lag and a concurrent ping under the sync and the async form', async () => {
    const run = await runDemo(blocking, { hashes: 3, iterations: 100_000, jsonItems: 10_000 });
    const { runs } = run.figures;
    expect(runs.map((r) => r.form)).toEqual(['sync', 'async']);
    const [sync, async_] = runs as [(typeof runs)[number], (typeof runs)[number]];
    // What blocking means, whatever the machine's speed: the sync work ran in one piece on this
    // thread, so the sampling timer fired late by all of it, less the part of its 10 ms period
    // it was not yet due in.
    expect(sync.lagMaxMs).toBeGreaterThanOrEqual(sync.workMs - 11);
    expect(sync.pings).toBeGreaterThan(0);
    expect(async_.pings).toBeGreaterThan(0);
    expect(new Set(run.figures.lagOverTime.map((s) => s.form))).toEqual(new Set(['sync', 'async']));
    // The verdict is the figures compared with their margins.
    expect(run.result.verdict.holds).toBe(
      run.figures.lagRatio >= LAG_RATIO &&
        sync.lagP99Ms >= MIN_SYNC_LAG_MS &&
        sync.pingP99Ms > async_.pingP99Ms &&
        Math.min(sync.pings, async_.pings) >= MIN_PINGS &&
        sync.pingMaxMs >= MIN_SYNC_LAG_MS,
    );
    expect(overlong(run, 'blocking')).toEqual([]);
  });

  it('does not hold when no ping is caught in the stall, with 2 pings a form at the slowest period', async () => {
    // One hash of 1000 iterations stalls the loop well under a millisecond: neither the timer
    // nor a ping is held MIN_SYNC_LAG_MS by it. The period at its maximum still pings twice in
    // each ~200 ms form, so what fails is the stall, not the count of pings.
    const tiny = { hashes: 1, iterations: 1000, jsonItems: 1, pingEveryMs: 100 };
    const run = await runDemo(blocking, tiny);
    expect(run.figures.runs.map((r) => r.pings >= MIN_PINGS)).toEqual([true, true]);
    expect(run.result.verdict.holds).toBe(false);
    expect(run.result.verdict.why).toContain(`under ${MIN_SYNC_LAG_MS} ms`);
    expect(run.result.verdict.why).not.toContain('pings (needs');
  });
});
