import { judge, type GatherSeen } from '../src/demos/gather';

// The unit test of the demo runs it with real timers, where a wrong Promise.all or asCompleted
// shows only if the library breaks. Here the verdict meets made-up answers, one wrong at a time.

/** What a right run with delays a 30, b 10, c 20 ms sees. */
const right: GatherSeen = {
  completionOrder: ['b', 'c', 'a'],
  all: ['a', 'b', 'c'],
  allFailing: 'ERR_DEMO_JOB_FAILED',
  stillRunningAfterReject: 2,
  settled: ['rejected', 'fulfilled', 'fulfilled'],
  race: 'b',
  any: 'c',
  asCompleted: ['b', 'c', 'a'],
  waitFirstCompleted: { done: ['b'], notDone: 2 },
  startedWhenFirstFinished: { eager: 3, lazy: 1 },
  taskGroup: { code: 'ERR_DEMO_JOB_FAILED', aborted: 2 },
  winner: 'b',
  cancelled: 2,
  timersLeft: 0,
};

describe('the gather verdict', () => {
  it('holds when each way of waiting gave what its Python counterpart gives', () => {
    const { checks, verdict } = judge(right);
    // Every check, in the order the figures list them.
    expect(Object.entries(checks)).toEqual(
      [
        'allInInputOrder',
        'allRejectsWithFailure',
        'allSettledKeepsAll',
        'raceFirst',
        'anySkipsFailure',
        'asCompletedInCompletionOrder',
        'waitFirstCompleted',
        'eagerStartsAtOnce',
        'taskGroupCancelsTheRest',
        'abortCancelsTheRest',
      ].map((check) => [check, true]),
    );
    expect(verdict).toEqual({
      holds: true,
      why: 'each way of waiting gave what its Python counterpart gives',
    });
  });

  it.each<[string, keyof ReturnType<typeof judge>['checks'], Partial<GatherSeen>]>([
    ['Promise.all in completion order', 'allInInputOrder', { all: ['b', 'c', 'a'] }],
    [
      'Promise.all resolving though a job failed',
      'allRejectsWithFailure',
      { allFailing: 'resolved' },
    ],
    // gather does not stop the others: a Promise.all that waited for them is not gather.
    [
      'Promise.all waiting for the others before it rejects',
      'allRejectsWithFailure',
      { stillRunningAfterReject: 0 },
    ],
    [
      'allSettled dropping the failure',
      'allSettledKeepsAll',
      { settled: ['fulfilled', 'fulfilled'] },
    ],
    ['race giving the slowest', 'raceFirst', { race: 'a' }],
    ['any giving the failed job', 'anySkipsFailure', { any: 'b' }],
    [
      'asCompleted giving the futures in input order',
      'asCompletedInCompletionOrder',
      { asCompleted: ['a', 'b', 'c'] },
    ],
    [
      'wait giving every future as done',
      'waitFirstCompleted',
      { waitFirstCompleted: { done: ['b', 'c', 'a'], notDone: 0 } },
    ],
    [
      'eager jobs started one at a time',
      'eagerStartsAtOnce',
      { startedWhenFirstFinished: { eager: 1, lazy: 1 } },
    ],
    [
      'lazy jobs all started at once',
      'eagerStartsAtOnce',
      { startedWhenFirstFinished: { eager: 3, lazy: 3 } },
    ],
    [
      'a task group whose abort cancels nothing',
      'taskGroupCancelsTheRest',
      { taskGroup: { code: 'ERR_DEMO_JOB_FAILED', aborted: 0 } },
    ],
    [
      'a task group resolving though a job failed',
      'taskGroupCancelsTheRest',
      { taskGroup: { code: 'resolved', aborted: 2 } },
    ],
    ['an abort that cancels nothing', 'abortCancelsTheRest', { cancelled: 0 }],
    ['a race won by the slowest', 'abortCancelsTheRest', { winner: 'a' }],
  ])('does not hold with %s, and names %s', (_, check, wrong) => {
    const { checks, verdict } = judge({ ...right, ...wrong });
    expect(checks[check]).toBe(false);
    expect(verdict).toEqual({ holds: false, why: `not shown: ${check}` });
  });

  it('names both abort checks when an aborted job’s timer still fired', () => {
    expect(judge({ ...right, timersLeft: 1 }).verdict).toEqual({
      holds: false,
      why: 'not shown: taskGroupCancelsTheRest, abortCancelsTheRest',
    });
  });
});
