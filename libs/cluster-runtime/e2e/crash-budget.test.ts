import { until } from '@concurrency-lab/launcher/testing';
import { launchPerTest, outcomeOf, shutdownCleanly } from './support/primary-tests';

/**
 * What ClusterPrimary does once the crash budget has given up on a worker, with real forked
 * workers (fixtures/worker.js): the empty slot is filled again — when the budget has recovered,
 * or by the next rolling restart — and only a model with no worker left is fatal.
 */
describe('ClusterPrimary after the crash budget gave up, with real forked workers', () => {
  const launch = launchPerTest();

  /** Two workers and a budget of 0: A is killed and never respawned, nor refilled by itself. */
  async function budgetSpentOnA() {
    const p = launch({ workers: 2, respawn: { baseDelayMs: 0, budget: 0 } });
    await p.start();
    const [a, b] = p.forked as [number, number];
    process.kill(a, 'SIGKILL');
    await p.untilLogged('crash budget spent; not respawning');
    return { p, a, b };
  }

  it('refills the slot once the budget has recovered (its window passed)', async () => {
    // Two crashes within 4 s spend a budget of one; the first leaves the window 4 s after it.
    const p = launch({ workers: 2, respawn: { baseDelayMs: 0, budget: 1, windowMs: 4000 } });
    await p.start();
    const [a, b] = p.forked as [number, number];
    process.kill(a, 'SIGKILL');
    await p.untilForked(3);
    const respawned = p.forked[2] as number;
    await until(async () => (await p.state()).pids.length === 2, { what: 'the respawn' });
    process.kill(respawned, 'SIGKILL');
    await p.untilLogged('crash budget spent; not respawning');
    await expect(p.state()).resolves.toEqual({ pids: [b], restarts: 1 });

    // Before, the slot stayed empty for good: one worker served where two were configured.
    await until(() => p.forked.length >= 4, {
      what: 'the empty slot to be refilled',
      timeoutMs: 20_000,
    });
    const refilled = p.forked[3] as number;
    await until(() => p.logs.some((l) => l.msg === 'crash budget recovered; respawning'));
    const { pids, restarts } = await p.state();
    expect(pids.sort()).toEqual([b, refilled].sort());
    expect(restarts).toBe(2);
    await shutdownCleanly(p);
    expect(p.forked).toEqual([a, b, respawned, refilled]);
  }, 30_000);

  it('forks the missing workers on a rolling restart, and only then says it is complete', async () => {
    const { p, a, b } = await budgetSpentOnA();
    expect(p.fatal).toEqual([]);

    // Before, it rolled the one live worker and said complete, one worker short.
    await expect(p.rollingRestart()).resolves.toBe(true);
    const { pids } = await p.state();
    expect(pids).toHaveLength(2);
    expect(pids).not.toContain(a);
    expect(pids).not.toContain(b);
    expect(p.exits.get(b)).toEqual({ code: 0, signal: null });
    await shutdownCleanly(p);
  });

  it('fails a rolling restart whose worker for an empty slot does not start: not respawned', async () => {
    const { p, a, b } = await budgetSpentOnA();
    await p.workerMode('hold');
    const restart = p.rollingRestart();
    await p.untilForked(3);
    const bNew = p.forked[2] as number;
    await p.tell(bNew, { kind: 'say-ready' });
    await p.untilExited(b);
    await p.untilForked(4);
    const filler = p.forked[3] as number;
    await p.tell(filler, { kind: 'exit', code: 1 });

    await expect(restart).resolves.toBe(false);
    await expect(p.state()).resolves.toEqual({ pids: [bNew], restarts: 1 });
    expect(p.logs.map((l) => l.msg)).not.toContain('worker crashed; respawning');
    expect(p.fatal).toEqual([]);
    await shutdownCleanly(p);
    expect(p.forked).toEqual([a, b, bNew, filler]);
  });

  it('schedules no refill with a budget of 0: no timer that fires at once, again and again', async () => {
    // recoveredAt is Infinity then; a timer set for it fires after 1 ms (Node's overflow), and
    // the refill, finding the budget still spent, set it again: a loop logging every millisecond.
    const { p } = await budgetSpentOnA();
    await new Promise((resolve) => setTimeout(resolve, 500));
    const refills = p.logs.filter(
      (l) => l.msg === 'empty worker slots are refilled once the crash budget recovers',
    );
    expect(refills).toEqual([]);
    expect(p.forked).toHaveLength(2);
    await shutdownCleanly(p);
  });

  it('is still fatal when every worker dies at boot and the budget is spent', async () => {
    const p = launch({ workers: 2, respawn: { baseDelayMs: 0, budget: 2 } });
    await p.workerMode('fail');
    const start = outcomeOf(p.start());
    await until(() => p.fatal.length > 0, { what: 'the fatal report' });
    expect(p.fatal).toEqual(['crash budget spent with no worker left']);
    expect(await start).not.toBe('resolved');
    // Two workers, then the budget's two respawns: nothing refilled afterwards.
    expect(p.forked).toHaveLength(4);
    await expect(p.state()).resolves.toEqual({ pids: [], restarts: 2 });
  });
});

describe('ClusterPrimary respawning a crashed worker, with real forked workers', () => {
  const launch = launchPerTest();

  it('forks the respawn only once its backoff has passed since the crash', async () => {
    // A crash at boot-time uptime waits baseDelayMs (respawn-policy.ts). Measured on the
    // primary's clock from the worker's exit to the next fork: the original waited ~1004 ms, a
    // respawn that ignored its delay ~3 ms. Only a lower bound: a loaded machine forks later.
    const baseDelayMs = 1000;
    const p = launch({ workers: 1, respawn: { baseDelayMs } });
    await p.start();
    const [a] = p.forked as [number];
    process.kill(a, 'SIGKILL');
    await p.untilForked(2);
    const respawned = p.forked[1] as number;
    expect(p.exits.get(a)).toEqual({ code: null, signal: 'SIGKILL' });
    const waitedMs = (p.forkedAt.get(respawned) ?? 0) - (p.exitedAt.get(a) ?? Infinity);
    expect(waitedMs).toBeGreaterThanOrEqual(baseDelayMs - 100);
    await until(async () => (await p.state()).pids.length === 1, { what: 'the respawn' });
    await expect(p.state()).resolves.toEqual({ pids: [respawned], restarts: 1 });
    await shutdownCleanly(p);
  }, 20_000);

  it('respawns a worker that had lived past stableAfterMs after the base delay again', async () => {
    // Its crash is news, not a loop (respawn-policy.ts): a second crash of a worker that had
    // run a while waits baseDelayMs, not twice that. The delay is the one the primary logged.
    const p = launch({ workers: 1, respawn: { baseDelayMs: 100, stableAfterMs: 300 } });
    await p.start();
    const [a] = p.forked as [number];
    process.kill(a, 'SIGKILL');
    await p.untilForked(2);
    const respawned = p.forked[1] as number;
    await until(async () => (await p.state()).pids.includes(respawned), { what: 'the respawn' });
    // Past stableAfterMs since its fork, as a lower bound: a loaded machine waits longer.
    await new Promise((resolve) => setTimeout(resolve, 400));
    process.kill(respawned, 'SIGKILL');
    await p.untilForked(3);
    const crashes = p.logs
      .filter((l) => l.msg === 'worker crashed; respawning')
      .map((l) => ({ pid: l.fields['workerPid'], delayMs: l.fields['delayMs'] }));
    expect(crashes).toEqual([
      { pid: a, delayMs: 100 },
      { pid: respawned, delayMs: 100 },
    ]);
    await shutdownCleanly(p);
  });

  it('is not fatal when the last live worker is given up on while a respawn waits', async () => {
    // A's respawn waits out its backoff: its slot is not empty, so B's give-up leaves a worker
    // to come. Fatal, the model exited though a worker was a moment from serving again.
    const p = launch({ workers: 2, respawn: { baseDelayMs: 60_000, budget: 1 } });
    await p.start();
    const [a, b] = p.forked as [number, number];
    process.kill(a, 'SIGKILL');
    await p.untilLogged('worker crashed; respawning');
    process.kill(b, 'SIGKILL');
    await p.untilLogged('crash budget spent; not respawning');
    await expect(p.state()).resolves.toEqual({ pids: [], restarts: 0 });
    expect(p.fatal).toEqual([]);
    // Shutdown clears the waiting respawn: nothing more is forked.
    await shutdownCleanly(p);
    expect(p.forked).toEqual([a, b]);
  });

  it('respawns a worker that exits with the configuration code once the model was ready', async () => {
    // Exit 2 stops the model only at its start (a configuration every worker would refuse);
    // afterwards it is a crash like any other. Treated as a refusal, the slot stayed empty.
    const p = launch({ workers: 2, respawn: { baseDelayMs: 0 } });
    await p.start();
    const [a] = p.forked as [number];
    await p.workerMode('hold');
    process.kill(a, 'SIGKILL');
    await p.untilForked(3);
    const respawn = p.forked[2] as number;
    await p.workerMode('ok');
    await p.tell(respawn, { kind: 'exit', code: 2 });
    await p.untilExited(respawn);
    await p.untilForked(4);
    await until(async () => (await p.state()).pids.length === 2, { what: 'two workers again' });
    expect(p.logs.map((l) => l.msg)).not.toContain(
      'worker refused its configuration; not respawning',
    );
    await expect(p.state()).resolves.toMatchObject({ restarts: 2 });
    await shutdownCleanly(p);
  });

  it('forks no extra worker on a rolling restart while a respawn waits out its backoff', async () => {
    // The waiting respawn fills its slot: the restart replaces the live worker and forks nothing
    // for the crashed one's slot. Counted as empty, the model ran 3 workers of 2 once it came.
    const p = launch({ workers: 2, respawn: { baseDelayMs: 5000 } });
    await p.start();
    const [a] = p.forked as [number];
    process.kill(a, 'SIGKILL');
    await p.untilExited(a);
    await expect(p.rollingRestart()).resolves.toBe(true);
    expect(p.forked).toHaveLength(3); // a, b and b's replacement
    await p.untilForked(4); // the respawn, once its backoff has passed
    await until(async () => (await p.state()).pids.length === 2, { what: 'the respawn' });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(p.forked).toHaveLength(4);
    await expect(p.state()).resolves.toMatchObject({ pids: [p.forked[2], p.forked[3]] });
    await shutdownCleanly(p);
  }, 30_000);
});
