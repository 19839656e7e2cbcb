import { runApp } from '@concurrency-lab/launcher/testing';
import { describe, expect, it } from '@jest/globals';

describe('chaos --quick on cluster (WORKERS=2): the drills that kill and roll worker processes', () => {
  it('kills the worker carrying the load each time, judges each kill on its own, rolls every worker', async () => {
    const run = await runApp('chaos', [
      '--quick',
      '--models',
      'cluster',
      '--drills',
      'worker-kill,rolling-restart',
    ]);
    // On a failure the diff shows which budget broke and why (code alone said nothing, once).
    const broken = /^Broken budgets[\s\S]*/m.exec(run.stdout)?.[0];
    expect({
      code: run.code,
      broken,
      stderr: run.code === 0 ? '' : run.stderr.slice(-2000),
    }).toEqual({
      code: 0,
      broken: undefined,
      stderr: '',
    });
    expect(run.stdout).toMatch(/^worker-kill\s+cluster\s.*\sheld$/m);
    expect(run.stdout).toMatch(/^rolling-restart\s+cluster\s.*\sheld$/m);
    expect(run.stdout).toMatch(/rolling-restart cluster: (.*; )?2 workers rolled;/);

    const figure = (name: string) =>
      new RegExp(`worker-kill cluster: (?:.*; )?${name} at each kill: (\\d+), (\\d+), (\\d+);`)
        .exec(run.stdout)
        ?.slice(1)
        .map(Number);
    // 32 connections over 2 workers: the busier one carries at least half of them. Picked in
    // fork order, the second kill hit the replacement the first kill had just forked, which
    // carried none (the connections had moved to the survivor): `may lose 0`, a kill of nothing.
    const mayLose = figure('may lose');
    expect(mayLose).toHaveLength(3);
    for (const n of mayLose ?? []) expect(n).toBeGreaterThanOrEqual(8);
    // Each kill lost requests — it killed a worker that was serving — and no more than it carried.
    const lost = figure('lost');
    expect(lost).toHaveLength(3);
    (lost ?? []).forEach((n, i) => {
      expect(n).toBeGreaterThan(0);
      expect(n).toBeLessThanOrEqual(mayLose?.[i] ?? -1);
    });
  }, 180_000);
});
