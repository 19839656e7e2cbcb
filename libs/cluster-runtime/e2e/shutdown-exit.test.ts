import { until } from '@concurrency-lab/launcher/testing';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { workerStopBoundMs } from '../src/counter-protocol';
import { launchPerTest } from './support/primary-tests';

/**
 * A shut-down primary holds nothing of its own (fixtures/shutdown-exit.js): once shutdown()
 * resolved, its process ends by itself — also with a crashed worker's respawn still waiting out
 * its backoff, with the kill timer of a worker it stopped, with an empty slot's refill due once
 * the crash budget recovers. Each timer, left armed, held the process to fork or kill nothing:
 * the respawn's for its whole backoff, the kill timer for the stop bound (5.5 s here), the
 * refill's for the crash window (a minute).
 */
describe('ClusterPrimary.shutdown leaves no timer of its own behind', () => {
  it.each([
    // A bound for "on its own", well under the timer: a loaded machine's exit takes well under
    // a second.
    { scenario: 'respawn', what: 'a respawn waiting out its backoff', boundMs: 10_000 },
    { scenario: 'live', what: 'the kill timer of a worker it stopped', boundMs: 3000 },
    { scenario: 'refill', what: "a given-up slot's refill", boundMs: 10_000 },
  ])(
    'with $what: the process exits on its own',
    async ({ scenario, boundMs }) => {
      const child = spawn(process.execPath, [join(__dirname, 'fixtures', 'shutdown-exit.js')], {
        stdio: ['ignore', 'pipe', 'inherit'],
        env: { ...process.env, FIXTURE_SCENARIO: scenario, FIXTURE_BACKOFF_MS: '60000' },
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
        const [code, signal] = await Promise.race([
          exited,
          new Promise<[string, null]>((resolve) =>
            setTimeout(() => resolve(['still running', null]), boundMs).unref(),
          ),
        ]);
        expect({ code, signal }).toEqual({ code: 0, signal: null });
      } finally {
        child.kill('SIGKILL');
      }
    },
    30_000,
  );
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
    const askedAt = Date.now();
    await expect(Promise.race([p.shutdown(), late])).resolves.toBe(false);
    expect(p.draining).toEqual([a]); // it was asked, and was draining: killed, not crashed
    expect(p.exits.get(a)).toEqual({ code: null, signal: 'SIGKILL' });
    // Not before the whole bound (the drain, the runner's close, the span flush, the handover):
    // killed at the drain's own bound, a worker still flushing lost its spans and final metrics.
    // A lower bound only (the primary's clock, same machine): a loaded machine kills later.
    const killedAfterMs = (p.exitedAt.get(a) ?? 0) - askedAt;
    expect(killedAfterMs).toBeGreaterThanOrEqual(workerStopBoundMs(200) - 100);
    expect(p.alive()).toEqual([]);
    await expect(p.state()).resolves.toMatchObject({ pids: [] });
  }, 30_000);
});
