import {
  byAgedPriority,
  byPriority,
  judge,
  priorityRow,
  serveWithPriorities,
  starvation,
  type Job,
  type StarvationRuns,
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

  describe('its verdict on aging', () => {
    // 5 levels × 4 ticks: the background job sorts as if it arrived at tick 20, and is served at
    // tick 21, after the urgent job queued with it at tick 0.
    const o = { greedyRounds: 8, agingTicks: 4 };
    const locks = {
      barging: { acquisitionsBeforePolite: 8 },
      fifo: { acquisitionsBeforePolite: 1 },
    };
    const plain = serveWithPriorities(60, byPriority);
    const agedWith = (compare: Parameters<typeof serveWithPriorities>[1]) =>
      judge(o, { ...locks, plain, aged: serveWithPriorities(60, compare) });

    it('holds for the aging queue, which serves the background job at exactly 5 × 4 + 1 ticks', () => {
      expect(serveWithPriorities(60, byAgedPriority(4)).oldestServedAge).toBe(21);
      expect(agedWith(byAgedPriority(4)).verdict).toEqual({
        holds: true,
        why: 'the unfair ones starved their waiter, FIFO and aging did not',
      });
    });

    it('fails for a queue aging one tick too slowly: its oldest served at 22 ticks', () => {
      // 4.2 ticks a level: the background job waits a tick longer than aging promises.
      const slow = (a: Job, b: Job) =>
        a.priority * 4.2 + a.enqueuedAt - (b.priority * 4.2 + b.enqueuedAt);
      expect(serveWithPriorities(60, slow)).toMatchObject({
        backgroundServedAt: 22,
        oldestServedAge: 22,
      });
      const judged = agedWith(slow);
      expect(judged.checks.agingServed).toBe(false);
      expect(judged.verdict).toEqual({ holds: false, why: 'not shown: agingServed' });
    });
  });
});

describe('the starvation verdict on each wrong run', () => {
  // At greedyRounds 8 and 4 ticks an aging level: each run as the demo makes it, but one.
  const o = { greedyRounds: 8, agingTicks: 4 };
  const right: StarvationRuns = {
    barging: { acquisitionsBeforePolite: 8 },
    fifo: { acquisitionsBeforePolite: 1 },
    plain: serveWithPriorities(60, byPriority),
    aged: serveWithPriorities(60, byAgedPriority(4)),
  };

  it.each<[string, keyof ReturnType<typeof judge>['checks'], Partial<StarvationRuns>]>([
    // The waiter got in after 2 of the 8 greedy turns: the lock barged, but did not starve it.
    [
      'a barging lock that let the waiter in early',
      'bargingStarved',
      { barging: { acquisitionsBeforePolite: 2 } },
    ],
    [
      'a FIFO lock that served the waiter a turn late',
      'fifoTurn',
      { fifo: { acquisitionsBeforePolite: 2 } },
    ],
    // Plain priorities that served the background job: an aging queue passed off as plain.
    [
      'plain priorities that served the background job',
      'plainStarved',
      { plain: serveWithPriorities(60, byAgedPriority(4)) },
    ],
    // 20 ticks: aged, it would be served at tick 21, so it never was; each urgent job waited 1.
    [
      'an aging queue that never served it',
      'agingServed',
      { aged: serveWithPriorities(20, byAgedPriority(4)) },
    ],
  ])('does not hold for %s, and names %s', (_, check, wrong) => {
    expect(judge(o, right).verdict.holds).toBe(true);
    expect(judge(o, { ...right, ...wrong }).verdict).toEqual({
      holds: false,
      why: `not shown: ${check}`,
    });
  });
});
