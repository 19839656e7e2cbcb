import type { ServiceProcess } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import { isAlive } from '@concurrency-lab/procfs';
import { describe, expect, it } from '@jest/globals';
import { drillStandIn } from './support/stand-in-process';

/** graceful-stop against stand-in processes that drain, or fail to, in the ways it judges. */
describe('graceful-stop on a real process', () => {
  it('holds for a process that drains what is in flight and exits 0, its tree gone', async () => {
    const row = await drillStandIn('graceful-stop', 'stopping-service.js', 'async');
    expect({ violations: row.violations, notes: row.notes }).toMatchObject({ violations: [] });
    expect(row.notes).toContain('1 process in its tree at SIGTERM');
    expect(row.recoveryMs).toBeDefined();
    // The clients' connects refused once it had exited are not its requests: the column counts
    // the answered ones alone (the stand-in answers each, nothing times out).
    const [answers, refused] = (
      /^(.*?)(?: \((\d+) connections refused after SIGTERM.*)?$/.exec(row.notes[2] ?? '') ?? []
    ).slice(1);
    const answered = [...(answers ?? '').matchAll(/\b(\d{3}): (\d+)/g)].map((m) => Number(m[2]));
    expect(Number(refused)).toBeGreaterThan(0);
    expect(row.requests).toBe(answered.reduce((a, b) => a + b, 0));
  }, 30_000);

  it('SIGKILLs a process that ignores SIGTERM once the wait is over, and breaks', async () => {
    // Before: the drill awaited the exit with no bound, and never returned.
    let service: ServiceProcess | undefined;
    const row = await drillStandIn(
      'graceful-stop',
      'stopping-service.js',
      'async',
      { STAND_IN_IGNORE_SIGTERM: '1' },
      (started) => (service = started),
    );
    expect(service?.child.signalCode).toBe('SIGKILL');
    expect(row.recoveryMs).toBeUndefined();
    expect(row.notes[1]).toBe('exit {"code":null,"signal":"SIGKILL"} (SIGKILLed)');
    expect(row.violations).toContain(
      'did not exit within 18.0 s of SIGTERM (SHUTDOWN_TIMEOUT_MS 10.0 s): SIGKILLed',
    );
  }, 60_000);

  it('breaks on a process of its tree left running after it exited, and kills it', async () => {
    let child = -1;
    try {
      const row = await drillStandIn(
        'graceful-stop',
        'stopping-service.js',
        'procpool',
        { STAND_IN_LEAK_CHILD: '1' },
        (started) => (child = started.logs<{ child?: number }>()[0]?.child ?? -1),
      );
      expect(child).toBeGreaterThan(0);
      expect(row.notes).toContain('2 processes in its tree at SIGTERM');
      // It drained and exited 0 in time: the child left behind is what breaks it.
      expect(row.violations).toEqual([
        `1 process of its tree still running after it exited (pid ${child}): SIGKILLed`,
      ]);
      await until(() => !isAlive(child), { what: `the left-over child ${child} to be gone` });
    } finally {
      if (isAlive(child)) process.kill(child, 'SIGKILL');
    }
  }, 30_000);
});
