import { until } from '@concurrency-lab/launcher/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { launchPerTest } from './support/primary-tests';

/**
 * A shut-down primary holds nothing of its own (fixtures/shutdown-exit.js): once shutdown()
 * resolved, its process ends by itself, also with a crashed worker's respawn still waiting out
 * its backoff. That timer, left armed, held the process for the whole backoff to fork nothing.
 */
describe('ClusterPrimary.shutdown with a respawn waiting out its backoff', () => {
  it('leaves no timer behind: the process exits on its own long before the backoff ends', async () => {
    const backoffMs = 60_000;
    const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'shutdown-exit.js')], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, FIXTURE_BACKOFF_MS: String(backoffMs) },
    });
    const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    try {
      await until(() => stdout.includes('shutdown resolved'), {
        what: 'shutdown() to resolve',
        detail: () => stdout,
      });
      expect(stdout).toContain('shutdown resolved {"clean":true,"workers":[]}');
      // A bound for "on its own", a sixth of the backoff: a loaded machine's exit takes well
      // under a second; the timer, armed, held it the whole minute.
      const [code, signal] = await Promise.race([
        exited,
        new Promise<[string, null]>((resolve) =>
          setTimeout(() => resolve(['still running', null]), backoffMs / 6).unref(),
        ),
      ]);
      expect({ code, signal }).toEqual({ code: 0, signal: null });
    } finally {
      child.kill('SIGKILL');
    }
  }, 30_000);
});

describe('ClusterPrimary.shutdown with a worker whose drain never ends', () => {
  const launch = launchPerTest();

  it('SIGKILLs it once its stop bound has passed, and resolves false', async () => {
    // shutdownTimeoutMs 200: the stop bound (workerStopBoundMs) is ~4.7 s. Without the kill,
    // shutdown() waited for ever on a worker that never exits.
    const p = launch({ workers: 1, shutdownTimeoutMs: 200 });
    await p.drainMode('report'); // asked to stop, it says draining and waits to be told to exit
    await p.start();
    const [a] = p.forked as [number];
    // A bound well past the stop bound, so a shutdown that never ends fails by name here.
    const late = new Promise<string>((resolve) =>
      setTimeout(() => resolve('still waiting after 15 s'), 15_000).unref(),
    );
    await expect(Promise.race([p.shutdown(), late])).resolves.toBe(false);
    expect(p.draining).toEqual([a]); // it was asked, and was draining: killed, not crashed
    expect(p.exits.get(a)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(p.alive()).toEqual([]);
    await expect(p.state()).resolves.toMatchObject({ pids: [] });
  }, 30_000);
});
