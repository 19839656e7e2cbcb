import { judge, type Row } from '../src/demos/race';

// The e2e test runs the demo with real tasks, threads and processes; whether an unguarded
// counter loses updates there is up to the scheduler. Here the verdict meets made-up counts.

/** The demo's rows, each unguarded counter losing `unguardedLost[model]` of its updates. */
const rows = (unguardedLost: Partial<Record<string, number>> = {}, guardedLost = 0): Row[] =>
  [
    ['event loop, tasks', 'none'],
    ['event loop, tasks', 'Mutex'],
    ['2 worker threads', 'none'],
    ['2 worker threads', 'SharedMutex'],
    ['2 worker threads', 'Atomics.add'],
    ['2 cluster workers', 'none'],
    ['2 cluster workers', 'atomic message'],
  ].map(([model = '', guard = '']) => {
    const lost = guard === 'none' ? (unguardedLost[model] ?? 100) : guardedLost;
    return { model, guard, expected: 1000, actual: 1000 - lost };
  });

describe('the race verdict', () => {
  it('holds when every unguarded counter lost updates and no guarded one did', () => {
    expect(judge(rows())).toEqual({
      holds: true,
      why: 'every unguarded counter lost updates and no guarded one did',
    });
    // One lost update is enough to show the race.
    expect(judge(rows({ '2 worker threads': 1 })).holds).toBe(true);
  });

  it('does not hold when an unguarded counter lost exactly 0 updates: no race shown', () => {
    expect(judge(rows({ 'event loop, tasks': 0 }))).toEqual({
      holds: false,
      why: 'no update was lost by event loop, tasks in this run',
    });
  });

  it('does not hold when an unguarded counter counted more than it was given', () => {
    expect(judge(rows({ '2 cluster workers': -1 })).holds).toBe(false);
  });

  it('does not hold when a guarded counter lost an update, and names its guard', () => {
    expect(judge(rows({}, 1))).toEqual({
      holds: false,
      why: 'updates were lost by event loop, tasks with Mutex, 2 worker threads with SharedMutex, 2 worker threads with Atomics.add, 2 cluster workers with atomic message',
    });
  });
});
