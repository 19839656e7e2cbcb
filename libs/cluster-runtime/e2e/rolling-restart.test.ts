import { until } from '@concurrency-lab/launcher/testing';
import type { Exit, PrimaryProcess } from './support/primary-process';
import { launchPerTest, shutdownCleanly } from './support/primary-tests';

/**
 * ClusterPrimary's rolling restart with real forked workers, and what can happen to it
 * meanwhile: a worker dying, a replacement failing, a shutdown. The workers (fixtures/worker.js)
 * are steered by the test — when a replacement says ready, when a draining worker exits — so
 * each event lands at the same point of the restart every run; no test waits on the clock.
 */
describe('ClusterPrimary rolling restart, with real forked workers', () => {
  const launch = launchPerTest();

  /**
   * One worker, A, restarting: its replacement forked and held short of ready (`say-ready`
   * readies it), the restart's promise still waiting on it.
   */
  async function midRestart(options: { replacementTimeoutMs?: number }) {
    const p = launch({ workers: 1, ...options });
    await p.start();
    const [a] = p.forked as [number];
    await p.workerMode('hold');
    const restart = p.rollingRestart();
    await p.untilForked(2);
    return { p, a, aNew: p.forked[1] as number, restart };
  }

  /**
   * `workers` workers, A first; a rolling restart forks A's replacement, held before it says
   * ready; the old worker at index `victim` (0: A itself) is killed meanwhile. The test then
   * decides how the replacement ends.
   */
  async function crashOldWhileReplacementStarts(workers: number, victim: number) {
    const p = launch({ workers, respawn: { baseDelayMs: 0 } });
    await p.start();
    const a = p.forked[0] as number;
    const killed = p.forked[victim] as number;
    await p.workerMode('hold');
    const restart = p.rollingRestart();
    await p.workerMode('ok');
    await p.untilForked(workers + 1);
    const aNew = p.forked[workers] as number;
    process.kill(killed, 'SIGKILL');
    await p.untilExited(killed);
    return { p, a, killed, aNew, restart };
  }

  /**
   * One worker, A; a rolling restart whose replacement never becomes ready (`mode`) fails, the
   * replacement having exited with `exit`, and A alone serves on, no crash counted.
   */
  async function failReplacement(p: PrimaryProcess, mode: 'fail' | 'hang', exit: Exit) {
    await p.start();
    const [a] = p.forked as [number];
    await p.workerMode(mode);
    await expect(p.rollingRestart()).resolves.toBe(false);
    const replacement = p.forked[1] as number;
    expect(p.exits.get(replacement)).toEqual(exit);
    await expect(p.state()).resolves.toEqual({ pids: [a], restarts: 0 });
    return { a, replacement };
  }

  it('skips an old worker that crashed before its turn: nothing is sent to it, the primary lives on', async () => {
    // B dies while A's replacement starts: by B's turn it is gone (and respawned).
    const { p, a, killed: b, aNew, restart } = await crashOldWhileReplacementStarts(2, 1);
    await p.untilForked(4);
    const bRespawned = p.forked[3] as number;
    await p.tell(aNew, { kind: 'say-ready' });

    await expect(restart).resolves.toBe(true);
    const { pids, restarts } = await p.state();
    expect(pids.sort()).toEqual([aNew, bRespawned].sort());
    expect(restarts).toBe(1); // B's respawn; no replacement forked for B
    expect(p.forked).toEqual([a, b, aNew, bRespawned]);
    expect(p.exits.get(a)).toEqual({ code: 0, signal: null });
    expect(p.exits.get(b)).toEqual({ code: null, signal: 'SIGKILL' });
    expect(p.logs).toContainEqual(
      expect.objectContaining({ msg: 'rolling restart: worker already gone, skipped' }),
    );
    await shutdownCleanly(p);
    expect(p.forked).toHaveLength(4);
  });

  it('lets the replacement take the place of an old worker that crashed while it started', async () => {
    const { p, a, aNew, restart } = await crashOldWhileReplacementStarts(1, 0);
    await p.tell(aNew, { kind: 'say-ready' });

    await expect(restart).resolves.toBe(true);
    await expect(p.state()).resolves.toEqual({ pids: [aNew], restarts: 0 });
    expect(p.forked).toEqual([a, aNew]);
    expect(p.logs).toContainEqual(
      expect.objectContaining({ msg: 'worker crashed; its replacement takes its place' }),
    );
    await shutdownCleanly(p);
    expect(p.forked).toEqual([a, aNew]);
  });

  it('respawns an old worker that crashed while its replacement started, once that replacement fails', async () => {
    const { p, a, aNew, restart } = await crashOldWhileReplacementStarts(1, 0);
    await p.tell(aNew, { kind: 'exit', code: 1 });

    await expect(restart).resolves.toBe(false);
    await p.untilForked(3);
    const respawned = p.forked[2] as number;
    await expect(p.state()).resolves.toEqual({ pids: [respawned], restarts: 1 });
    expect(p.exits.get(aNew)).toEqual({ code: 1, signal: null });
    await shutdownCleanly(p);
    expect(p.forked).toEqual([a, aNew, respawned]);
  });

  it('answers a second restart asked while one is under way false, forking nothing for it', async () => {
    // A second SIGHUP mid-restart: two restarts at once forked a replacement each for A.
    // The bound only ends the second one's wait in the broken case: the test never reaches it.
    const { p, a, aNew, restart } = await midRestart({ replacementTimeoutMs: 15_000 });
    await expect(p.rollingRestart()).resolves.toBe(false);
    expect(p.forked).toEqual([a, aNew]);
    await p.tell(aNew, { kind: 'say-ready' });
    await expect(restart).resolves.toBe(true);
    await expect(p.state()).resolves.toEqual({ pids: [aNew], restarts: 0 });
    await shutdownCleanly(p);
    expect(p.forked).toEqual([a, aNew]);
  });

  it('asks no replacement still starting for its metrics: a scrape mid-restart waits for none', async () => {
    // One not ready yet has counted nothing and does not answer: asked, it cost every scrape
    // of the restart the collect timeout, logged as a worker that missed it.
    const { p, a, aNew, restart } = await midRestart({});
    await expect(p.scrape(a)).resolves.toEqual({ pid: a, ok: true });
    expect(p.logs.map((l) => l.msg)).not.toContain('a worker missed the metrics scrape');
    await p.tell(aNew, { kind: 'say-ready' });
    await expect(restart).resolves.toBe(true);
    await expect(p.scrape(aNew)).resolves.toEqual({ pid: aNew, ok: true });
    await shutdownCleanly(p);
  });

  it('stops when shutdown starts: forks nothing more, and shutdown waits for what it forked', async () => {
    const p = launch({ workers: 2 });
    await p.call('env', { name: 'FIXTURE_DRAIN', value: 'report' });
    await p.start();
    const [a, b] = p.forked as [number, number];
    const restart = p.rollingRestart();
    // A's replacement is ready and A drains for the restart: now SIGTERM.
    await until(() => p.draining.includes(a), { what: 'A to drain' });
    const aNew = p.forked[2] as number;
    const shutdown = p.shutdown();
    await p.tell(a, { kind: 'exit', code: 0 });
    await until(() => p.draining.includes(aNew) && p.draining.includes(b), {
      what: 'every worker to drain',
    });
    await p.tell(aNew, { kind: 'exit', code: 0 });
    await p.tell(b, { kind: 'exit', code: 0 });

    await expect(shutdown).resolves.toBe(true);
    // Nothing forked is left when shutdown says it is done, and nothing was forked for B.
    expect(p.alive()).toEqual([]);
    expect(p.forked).toEqual([a, b, aNew]);
    await expect(restart).resolves.toBe(false);
    expect(p.logs).toContainEqual(
      expect.objectContaining({ msg: 'rolling restart stopped: shutting down' }),
    );
    await expect(p.state()).resolves.toEqual({ pids: [], restarts: 0 });
    expect(await p.end()).toEqual({ code: 0, signal: null });
    expect(p.forked).toEqual([a, b, aNew]);
  });

  it('stops at a replacement that exits before it is ready: not respawned, no crash counted', async () => {
    const p = launch({ workers: 1, respawn: { baseDelayMs: 0 } });
    const { a, replacement: failed } = await failReplacement(p, 'fail', { code: 1, signal: null });
    expect(p.logs.filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({
        msg: 'rolling restart failed: the replacement did not become ready; the old workers keep serving',
        fields: expect.objectContaining({ workerPid: failed }),
      }),
    ]);
    expect(p.logs.map((l) => l.msg)).not.toContain('worker crashed; respawning');

    // The next restart, with a good build, replaces A: one worker, as configured.
    await p.workerMode('ok');
    await expect(p.rollingRestart()).resolves.toBe(true);
    const next = p.forked[2] as number;
    await expect(p.state()).resolves.toEqual({ pids: [next], restarts: 0 });
    await shutdownCleanly(p);
    expect(p.forked).toEqual([a, failed, next]);
  });

  it('gives a replacement stopped before it was ready no counter share while it drains', async () => {
    const p = launch({ workers: 1, replacementTimeoutMs: 300 });
    await p.start();
    const [a] = p.forked as [number];
    // The next worker never says ready, and once asked to stop it stays until told to exit:
    // a new build stuck loading, which the primary stops and then waits for (up to its kill
    // timer, seconds).
    await p.workerMode('hang');
    await p.drainMode('report');
    const restart = p.rollingRestart(); // it ends once the stuck one has exited
    await p.untilForked(2);
    const hung = p.forked[1] as number;
    await until(() => p.draining.includes(hung), { what: 'the stuck replacement to drain' });
    // The counter is split over the workers that take shares: `a` alone. Given a share, the
    // stuck one never answered, and every increment failed until its kill timer.
    await expect(p.increment(a)).resolves.toEqual({ pid: a, ok: true });
    await p.tell(hung, { kind: 'exit', code: 0 });
    await expect(restart).resolves.toBe(false);
    expect(p.exits.get(hung)).toEqual({ code: 0, signal: null }); // told, not killed
    await shutdownCleanly(p);
  });

  it('gives an old worker that said it is leaving no counter share while it lingers', async () => {
    // Drained for the restart, a real worker says 'leaving', then hands over its final metrics
    // (here: a second) before it exits. A share sent to it then is never answered: the
    // increment failed (ERR_WORKER_CRASHED at its exit, or a timeout).
    const p = launch({ workers: 2 });
    await p.drainMode('leave');
    await p.start();
    const [a, b] = p.forked as [number, number];
    const restart = p.rollingRestart();
    await until(() => p.draining.includes(a), { what: 'A to say it is leaving' });
    await expect(p.increment(b)).resolves.toEqual({ pid: b, ok: true });
    expect(p.exits.has(a)).toBe(false); // A was still there, lingering, all along
    await expect(restart).resolves.toBe(true);
    expect(p.exits.get(a)).toEqual({ code: 0, signal: null });
    await shutdownCleanly(p);
  });

  it('stops a replacement that is not ready in time, so it never joins the pool', async () => {
    const p = launch({ workers: 1, replacementTimeoutMs: 300 });
    // Stopped (asked, it left with 0) before rollingRestart answered.
    const { a, replacement: hung } = await failReplacement(p, 'hang', { code: 0, signal: null });
    expect(p.logs.filter((l) => l.level === 'error')).toEqual([
      expect.objectContaining({
        fields: expect.objectContaining({
          workerPid: hung,
          err: expect.objectContaining({ message: 'replacement worker did not become ready' }),
        }),
      }),
    ]);
    await shutdownCleanly(p);
    expect(p.forked).toEqual([a, hung]);
  });
});
