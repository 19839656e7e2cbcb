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
      startedBeforeFirstAwait: { eager: 3, lazy: 0 },
      stillRunningAfterReject: 2, // gather, one fails: the control of the group below
      taskGroup: { code: 'ERR_JOB_FAILED', aborted: 2 }, // the first failure aborted the two others
      cancelled: 2,
    });
    // As the demo's own verdict: none of the aborted jobs' timers fired after the abort. (A count
    // of the process's timers also saw one that something else in this jest worker armed.)
    expect(run.figures.timersLeft).toBe(0);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'gather')).toEqual([]);
  });
});
