import { until } from '@concurrency-lab/launcher/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { judge, leak, ownChildHandles } from '../src/demos/leak';
import { fixedChild, leakyChild } from '../test/support/leak-outcomes';
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

  it('is not clean while a child process of this process is still running, and is once it has closed', async () => {
    // A real stray child with piped stdio, as a demo that forgot its Peer would leave one.
    const before = ownChildHandles();
    const stray = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 1e4)'], { stdio: 'pipe' });
    const closed = once(stray, 'close');
    try {
      const during = ownChildHandles();
      expect(during).toBeGreaterThan(before);
      const judged = judge(leakyChild, fixedChild, { before, after: during });
      expect(judged.verdict).toEqual({ holds: false, why: 'not shown: demoProcessClean' });
    } finally {
      stray.kill();
      await closed;
    }
    // The control: the child gone, the reading goes back to where it began. Not at 'close' itself:
    // libuv frees a closed handle in the next loop turn's close phase, and the reading lists it
    // until then (a ProcessWrap and a PipeWrap here).
    await until(() => ownChildHandles() === before, {
      what: 'the stray child’s handles to be freed',
      timeoutMs: 2000,
      detail: () => `${ownChildHandles()} open, ${before} before`,
    });
  });
});
