import { deadlock } from '../src/demos/deadlock';
import { trackPeers } from '../test/support/peers';
import { overlong, runDemo } from '../test/support/run-demo';

afterEach(() => jest.restoreAllMocks());

describe('deadlock', () => {
  it('hangs anonymous locks until the timeout, names the cycle of owned ones, and the watchdog the threads', async () => {
    const peers = trackPeers();
    const run = await runDemo(deadlock, { timeoutMs: 600, watchdogMs: 100 });
    // Both threads ended before run resolved, not just after their last message.
    expect([peers.started(), peers.running()]).toEqual([2, 0]);
    const f = run.figures;
    expect([...f.anonymous.outcomes].sort()).toEqual(['ERR_LOCK_TIMEOUT', 'done']);
    expect([...f.owned.outcomes].sort()).toEqual(['ERR_LOCK_DEADLOCK', 'done']);
    expect([...f.owned.cycle].sort()).toEqual(['A', 'B']);
    expect(f.ordered.outcomes).toEqual(['done', 'done']);
    // Each lock held by one thread and waited on by the other: the cycle, from the outside.
    const byLock = Object.fromEntries(f.crossThread.stalls.map((s) => [s.lock, s]));
    expect(Object.keys(byLock).sort()).toEqual(['A', 'B']);
    expect(byLock['A']?.waitedOnBy).toEqual(byLock['B']?.heldBy);
    expect(byLock['B']?.waitedOnBy).toEqual(byLock['A']?.heldBy);
    expect(f.crossThread.outcomes).toContain('ERR_LOCK_TIMEOUT');
    // process.report caught both threads asleep on the same line: the second acquire.
    const [first, second] = f.crossThread.stacks;
    expect(first?.at).toMatch(/^deadlock-thread\.js:\d+$/);
    expect(second?.at).toBe(first?.at);
    expect(Object.values(f.checks)).toEqual(Object.values(f.checks).map(() => true));
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'deadlock')).toEqual([]);
  });
});
