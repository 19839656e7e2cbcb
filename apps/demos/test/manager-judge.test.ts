import { judge } from '../src/demos/manager';

// The e2e test runs the demo with real cluster workers; whether get-then-set loses updates
// there is up to the scheduler. Here the verdict meets made-up counts.

describe('the manager verdict', () => {
  it('holds when get-then-set lost updates and the atomic message none', () => {
    expect(judge({ lost: 1782 }, { lost: 0 })).toEqual({
      holds: true,
      why: 'get-then-set lost 1,782 updates, one atomic message none',
    });
    // One lost update is enough to show the race.
    expect(judge({ lost: 1 }, { lost: 0 }).holds).toBe(true);
  });

  it('does not hold when get-then-set lost exactly 0 updates: no race shown', () => {
    expect(judge({ lost: 0 }, { lost: 0 })).toEqual({
      holds: false,
      why: 'get-then-set lost no update in this run',
    });
  });

  it('does not hold when get-then-set counted more than it was sent', () => {
    expect(judge({ lost: -1 }, { lost: 0 }).holds).toBe(false);
  });

  it('does not hold when the atomic message lost an update, or counted one twice', () => {
    expect(judge({ lost: 1782 }, { lost: 1 })).toEqual({
      holds: false,
      why: 'the atomic message lost 1 updates',
    });
    expect(judge({ lost: 1782 }, { lost: -1 }).holds).toBe(false);
  });
});
