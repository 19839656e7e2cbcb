import { race } from '../src/demos/race';
import { overlong, runDemo } from '../test/support/run-demo';

describe('race', () => {
  it('loses updates on every model without a guard and none with one', async () => {
    const run = await runDemo(race, {
      loopTasks: 5,
      loopIncrements: 100,
      processIncrements: 1000,
    });
    const lost = Object.fromEntries(
      run.figures.runs.map((r) => [`${r.model} / ${r.guard}`, r.lost]),
    );
    // One event loop: all five tasks read the same value each round, so 100 rounds count 100.
    expect(lost['event loop, tasks / none']).toBe(400);
    expect(lost['2 worker threads / none']).toBeGreaterThan(0);
    expect(lost['2 cluster workers / none']).toBeGreaterThan(0);
    expect([
      lost['event loop, tasks / Mutex'],
      lost['2 worker threads / SharedMutex'],
      lost['2 worker threads / Atomics.add'],
      lost['2 cluster workers / atomic message'],
    ]).toEqual([0, 0, 0, 0]);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'race')).toEqual([]);
  });
});
