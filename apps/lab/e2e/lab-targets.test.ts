/**
 * `lab --targets`: the lab drives services it did not start — here two started by hand with the
 * launcher, as an operator would on another machine — starts nothing, and reads memory and CPU
 * from their /metrics.
 */
import { Fleet } from '@concurrency-lab/launcher';
import { runApp, tempFolder } from '@concurrency-lab/launcher/testing';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../src/report/report-schema';

describe('lab --targets against services started by hand', () => {
  const out = tempFolder('lab-targets-');
  let fleet: Fleet;
  let targets = '';

  beforeAll(async () => {
    fleet = await Fleet.start({ models: ['async', 'threads'], modelEnv: { WORKERS: '2' } });
    targets = fleet.models.map(({ model, service }) => `${model}=${service.url}`).join(',');
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
  });

  /** `lab --targets <to> --quick <args> --out <out>`: how every test here runs the lab. */
  const labQuick = (to: string, args: string[]) =>
    runApp('lab', ['--targets', to, '--quick', ...args, '--out', out]);

  it('writes a full report in targets mode, with RSS from /metrics, starting nothing', async () => {
    const run = await labQuick(targets, [
      '--duration',
      '2',
      '--scenarios',
      'io-saturation,cpu',
      '--json',
    ]);
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    expect(run.samples).toBeGreaterThan(0); // it was counted, and started nothing
    expect(run.maxChildren).toBe(0);
    const { report: dir } = JSON.parse(run.stdout) as { report: string };
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    expect(report.run).toMatchObject({
      mode: 'targets',
      targets: Object.fromEntries(fleet.models.map((m) => [m.model, m.service.url])),
      sharedCores: true,
    });
    expect(report.options).toMatchObject({ models: ['async', 'threads'], workers: null });
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toContain('Targets mode');
    const workers = Object.fromEntries(
      await Promise.all(
        fleet.models.map(async ({ model, service }) => {
          const info = (await (await fetch(`${service.url}/info`)).json()) as { workers: number };
          return [model, info.workers] as const;
        }),
      ),
    );
    for (const scenario of report.scenarios) {
      for (const r of scenario.results) {
        const where = `${scenario.id}/${r.model}`;
        expect([where, r.workers, r.summary.rps > 0, r.summary.rssPeakBytes > 0]).toEqual([
          where,
          workers[r.model],
          true,
          true,
        ]);
      }
    }
    // The services are still up: the lab stops nothing it did not start.
    for (const { service } of fleet.models)
      expect((await fetch(`${service.url}/healthz`)).status).toBe(200);
  }, 120_000);

  it('refuses --workload on targets their operator started without LAB_WORKLOAD, before any load', async () => {
    const run = await labQuick(targets, [
      '--workload',
      join(__dirname, '..', 'workloads', 'hash.mjs'),
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ERR_LAB_TARGET_NO_WORKLOAD: /m);
    expect(run.stderr).not.toMatch(/\[lab \d+:\d+\] \w+ · /); // no scenario ran
  }, 60_000);

  it('refuses a target that answers as another model, before any load', async () => {
    const asyncUrl = fleet.service('async').url;
    const run = await labQuick(`threads=${asyncUrl}`, []);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ERR_LAB_TARGET_UNREACHABLE/m);
  }, 60_000);
});
