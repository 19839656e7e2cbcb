import { judge, type DeadlockSeen, type Stall } from '../src/demos/deadlock';

// The e2e test runs the demo with real locks and threads, where a wrong timeout, detector,
// watchdog or report shows only if the library breaks. Here the verdict meets made-up runs.

/** Lock `lock` held by thread `holder` and waited on by thread `waiter`, past the threshold. */
const stall = (lock: string, holder: string, waiter: string): Stall => ({
  lock,
  heldBy: [holder],
  waitedOnBy: [waiter],
  longestWaitMs: 120,
});

/** What a right run with a 400 ms timeout sees. */
const right: DeadlockSeen = {
  timeoutMs: 400,
  anonymous: { outcomes: ['done', 'ERR_LOCK_TIMEOUT'], ms: 405 },
  owned: { outcomes: ['ERR_LOCK_DEADLOCK', 'done'], ms: 1.5, cycle: ['A', 'B'] },
  ordered: { outcomes: ['done', 'done'] },
  crossThread: {
    outcomes: ['ERR_LOCK_TIMEOUT', 'done'],
    stalls: [stall('A', '1', '2'), stall('B', '2', '1')],
    stacks: [
      { thread: 1, at: 'deadlock-thread.js:12' },
      { thread: 2, at: 'deadlock-thread.js:12' },
    ],
  },
  secondAcquire: 'deadlock-thread.js:12',
};

/** `right` with its cross-thread case changed by `change`. */
const threads = (change: Partial<DeadlockSeen['crossThread']>): Partial<DeadlockSeen> => ({
  crossThread: { ...right.crossThread, ...change },
});

describe('the deadlock verdict', () => {
  it.each<[string, Partial<DeadlockSeen>]>([
    ['the run as it should go', {}],
    // A timer may fire a little early: 0.9 of the timeout is a whole wait.
    ['an anonymous wait of 0.9 × the timeout', { anonymous: { ...right.anonymous, ms: 360 } }],
  ])('holds with %s: the crossed orders deadlocked, detection and ordering worked', (_, change) => {
    const { checks, verdict } = judge({ ...right, ...change });
    expect(Object.values(checks)).not.toContain(false);
    expect(verdict).toEqual({
      holds: true,
      why: 'the crossed orders deadlocked, detection and ordering worked',
    });
  });

  it.each<[string, keyof ReturnType<typeof judge>['checks'], Partial<DeadlockSeen>]>([
    [
      'an anonymous wait shorter than 0.9 × the timeout',
      'anonymousTimedOut',
      { anonymous: { outcomes: ['done', 'ERR_LOCK_TIMEOUT'], ms: 359 } },
    ],
    [
      'anonymous locks that never timed out',
      'anonymousTimedOut',
      { anonymous: { outcomes: ['done', 'done'], ms: 405 } },
    ],
    [
      'the owned cycle refused only after the timeout',
      'ownedDetected',
      { owned: { ...right.owned, ms: 400 } },
    ],
    [
      'an owned cycle never refused',
      'ownedDetected',
      { owned: { outcomes: ['ERR_LOCK_TIMEOUT', 'done'], ms: 1.5, cycle: [] } },
    ],
    [
      'a refused cycle that does not name both locks',
      'ownedDetected',
      { owned: { ...right.owned, cycle: ['A'] } },
    ],
    [
      'an ordered task failing',
      'orderedCompleted',
      { ordered: { outcomes: ['done', 'ERR_FAILED'] } },
    ],
    [
      'a watchdog seeing one thread holding and waiting on both locks',
      'watchdogNamedCycle',
      threads({ stalls: [stall('A', '7', '7'), stall('B', '7', '7')] }),
    ],
    [
      'a watchdog seeing only one lock stalled',
      'watchdogNamedCycle',
      threads({ stalls: [stall('A', '1', '2')] }),
    ],
    ['threads that never timed out', 'threadsTimedOut', threads({ outcomes: ['done', 'done'] })],
    [
      'the report’s stack naming another line than the second acquire',
      'reportFoundThreadsInSecondAcquire',
      threads({
        stacks: [
          { thread: 1, at: 'deadlock-thread.js:12' },
          { thread: 2, at: 'deadlock-thread.js:1' },
        ],
      }),
    ],
  ])('does not hold with %s, and names %s', (_, check, wrong) => {
    const { checks, verdict } = judge({ ...right, ...wrong });
    expect(checks[check]).toBe(false);
    expect(verdict).toEqual({ holds: false, why: `not shown: ${check}` });
  });
});
