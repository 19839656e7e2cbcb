import {
  byAgedPriority,
  byPriority,
  priorityRow,
  serveWithPriorities,
  starvation,
} from '../src/demos/starvation';
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

  it("shows the never-served job's age as the oldest waiter's, not the served jobs' oldest", () => {
    // 50 ticks with 10 an aging level: the priority-5 job would be served at tick 51, so it is
    // never served; each urgent job served had waited one tick. (The demo's rule refuses these
    // knobs: here, the row as it would read if aging failed to serve it.)
    const aged = serveWithPriorities(50, byAgedPriority(10));
    expect(aged).toMatchObject({ backgroundServedAt: null, backgroundAge: 50, oldestServedAge: 1 });
    expect(priorityRow('with aging', aged, 50)).toEqual([
      'with aging',
      'never (50 ticks)',
      '50 ticks',
    ]);
    // Served: the oldest waiter is the oldest served, the background job itself.
    const served = serveWithPriorities(51, byAgedPriority(10));
    expect(priorityRow('with aging', served, 51)).toEqual(['with aging', 'tick 51', '51 ticks']);
    const plain = serveWithPriorities(120, byPriority);
    expect(priorityRow('no aging', plain, 120)).toEqual([
      'no aging',
      'never (120 ticks)',
      '120 ticks',
    ]);
  });
});
