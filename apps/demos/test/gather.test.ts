import { gather } from '../src/demos/gather';
import { overlong, runDemo } from './support/run-demo';

describe('gather', () => {
  it('gives what each of asyncio’s ways to wait for many gives, and leaves no timer behind', async () => {
    const run = await runDemo(gather, { delaysMs: [30, 10, 20] });
    expect(run.figures).toMatchObject({
      completionOrder: ['b', 'c', 'a'],
      all: ['a', 'b', 'c'], // input order, not completion order
      settled: ['rejected', 'fulfilled', 'fulfilled'], // a, the slowest, failed; nothing thrown
      race: 'b',
      any: 'c', // b, the first to finish, failed
      asCompleted: ['b', 'c', 'a'],
      waitFirstCompleted: { done: ['b'], notDone: 2 },
      // Counted by each job as it starts: eager ones all run at once, a lazy one only when awaited.
      startedWhenFirstFinished: { eager: 3, lazy: 1 },
      stillRunningAfterReject: 2, // gather, one fails: the control of the group below
      taskGroup: { code: 'ERR_DEMO_JOB_FAILED', aborted: 2 }, // the first failure aborted the two others
      cancelled: 2,
    });
    // As the demo's own verdict: none of the aborted jobs' timers fired after the abort. (A count
    // of the process's timers also saw one that something else in this jest worker armed.)
    expect(run.figures.timersLeft).toBe(0);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'gather')).toEqual([]);
  });
});

describe('gather’s delays', () => {
  it('are refused when a lesson’s order could not show: a 0 (Node waits 1 ms), a tie, or a not the slowest', async () => {
    for (const delaysMs of [
      [1, 0, 2],
      [30, 10, 30],
      // a first or second to finish: an order-blind Promise.all or asCompleted (a first), race,
      // wait or any (a second, after b or c that fails) would give what the lesson expects.
      [10, 20, 30],
      [20, 10, 30],
      [20, 30, 10],
    ]) {
      await expect(gather.run({ delaysMs })).rejects.toMatchObject({
        code: 'ERR_DEMO_INVALID_KNOB',
        flag: '--delays-ms',
      });
    }
    expect(gather.options({ delaysMs: [3, 1, 2] }).delaysMs).toEqual([3, 1, 2]);
    expect(gather.options({ delaysMs: [3, 2, 1] }).delaysMs).toEqual([3, 2, 1]);
  });
});
