import { leak } from '../src/demos/leak';
import { overlong, runDemo } from '../test/support/run-demo';

describe('leak', () => {
  it('piles up timers and threads in the leaky child, which stays alive; the fixed one returns to baseline and exits', async () => {
    const before = process.getActiveResourcesInfo().length;
    const run = await runDemo(leak, { rounds: 2, graceMs: 1000 });
    const { leaky, fixed } = run.figures;
    // One forgotten interval per round; a worker thread and a pool thread per round.
    expect(leaky.snapshots.map((s) => s.resources['Timeout'] ?? 0)).toEqual([0, 1, 2]);
    if (leaky.threadsBefore !== null && leaky.threadsAfter !== null) {
      expect(leaky.threadsAfter - leaky.threadsBefore).toBeGreaterThanOrEqual(4);
    }
    expect(leaky.exitedOnItsOwn).toBe(false);
    expect(fixed.snapshots.map((s) => s.resources['Timeout'] ?? 0)).toEqual([0, 0, 0]);
    expect(fixed.threadsAfter).toBe(fixed.threadsBefore);
    expect([fixed.exitedOnItsOwn, fixed.exitCode]).toEqual([true, 0]);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'leak')).toEqual([]);
    // And the demo itself leaves nothing behind in this process.
    expect(process.getActiveResourcesInfo().length).toBeLessThanOrEqual(before);
  });
});
