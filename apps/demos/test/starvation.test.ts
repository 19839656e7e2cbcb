import { starvation } from '../src/demos/starvation';
import { overlong, runDemo } from './support/run-demo';

describe('starvation', () => {
  it('shows the barging lock and the plain priority queue starving their waiter, FIFO and aging not', async () => {
    const run = await runDemo(starvation, {
      greedyRounds: 8,
      holdMs: 1,
      ticks: 120,
      agingTicks: 10,
    });
    const f = run.figures;
    // The negative controls: the waiter got in only after every greedy turn / never.
    expect(f.barging.acquisitionsBeforePolite).toBe(8);
    expect(f.priorityWithoutAging).toMatchObject({ backgroundServedAt: null, backgroundAge: 120 });
    // The fixes: FIFO hands over after one turn; aging serves the priority-5 job once it has
    // waited 5 levels × 10 ticks (plus the urgent job queued with it at tick 0).
    expect(f.fifo.acquisitionsBeforePolite).toBe(1);
    expect(f.priorityWithAging.backgroundServedAt).toBe(51);
    expect(f.priorityWithAging.oldestServedAge).toBe(51);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'starvation')).toEqual([]);
  });
});
