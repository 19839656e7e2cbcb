import { RespawnPolicy } from '../src/respawn-policy';

describe('the respawn policy', () => {
  it('doubles the delay for each consecutive crash at boot, up to the maximum', () => {
    const policy = new RespawnPolicy({
      baseDelayMs: 100,
      maxDelayMs: 1000,
      budget: 100,
      stableAfterMs: 5000,
    });
    const delays = Array.from({ length: 6 }, (_, i) => policy.onCrash(i * 10, 10));
    expect(delays.map((d) => (d.action === 'respawn' ? d.delayMs : -1))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });

  it('gives up once the crash budget for the window is spent', () => {
    const policy = new RespawnPolicy({ budget: 3, windowMs: 60_000 });
    const actions = Array.from({ length: 5 }, (_, i) => policy.onCrash(i, 0).action);
    expect(actions).toEqual(['respawn', 'respawn', 'respawn', 'give-up', 'give-up']);
  });

  it('forgets crashes older than the window', () => {
    const policy = new RespawnPolicy({ budget: 2, windowMs: 1000 });
    expect(policy.onCrash(0, 0).action).toBe('respawn');
    expect(policy.onCrash(100, 0).action).toBe('respawn');
    expect(policy.onCrash(5000, 0).action).toBe('respawn');
  });

  it('resets the backoff when the crashed worker had been stable', () => {
    const policy = new RespawnPolicy({ baseDelayMs: 100, stableAfterMs: 5000, budget: 100 });
    policy.onCrash(0, 0);
    policy.onCrash(1, 0);
    expect(policy.onCrash(2, 60_000)).toEqual({ action: 'respawn', delayMs: 100 });
  });

  it('counts a worker that lived exactly stableAfterMs as stable, one a millisecond short not', () => {
    const policy = new RespawnPolicy({ baseDelayMs: 100, stableAfterMs: 5000, budget: 100 });
    policy.onCrash(0, 0);
    policy.onCrash(1, 0);
    expect(policy.onCrash(2, 5000)).toEqual({ action: 'respawn', delayMs: 100 });
    expect(policy.onCrash(3, 4999)).toEqual({ action: 'respawn', delayMs: 200 });
  });

  it('says when a spent budget is back: once fewer than `budget` crashes lie within the window', () => {
    const policy = new RespawnPolicy({ budget: 2, windowMs: 1000 });
    expect(policy.recoveredAt(0)).toBe(0);
    policy.onCrash(0, 0);
    policy.onCrash(100, 0);
    expect(policy.onCrash(200, 0).action).toBe('give-up');
    // Three crashes in the window: two must leave it, the second at 100 + 1000.
    expect(policy.recoveredAt(300)).toBe(1100);
    expect(policy.recoveredAt(1100)).toBe(1100);
    // From then, a crash is respawned again.
    expect(policy.onCrash(1100, 0).action).toBe('respawn');
  });

  it('never says the budget is back when it is 0 (no respawn, ever)', () => {
    const policy = new RespawnPolicy({ budget: 0, windowMs: 1000 });
    expect(policy.onCrash(0, 0).action).toBe('give-up');
    expect(policy.recoveredAt(10_000)).toBe(Number.POSITIVE_INFINITY);
  });
});
