/**
 * `lab --workload` end to end on the two example workloads of the repository: every model
 * starts with LAB_WORKLOAD, serves it on /work/custom, and the report carries the workload's
 * three scenarios for every model, a verdict naming a model from the figures, and the
 * "Your workload" line on the first screen.
 */
import { runApp, tempFolder } from '@concurrency-lab/launcher/testing';
import { MODEL_NAMES } from '@concurrency-lab/models';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Report } from '../src/report/report-schema';

const example = (name: string) => join(__dirname, '..', 'workloads', name);

describe.each([
  ['json-transform.mjs', 'JSON transform'],
  ['hash.mjs', 'SHA-256'],
])('lab --quick --workload %s', (file, describes) => {
  const out = tempFolder('lab-workload-');
  let report: Report;
  let stderr = '';

  beforeAll(async () => {
    const run = await runApp('lab', [
      '--quick',
      '--duration',
      '2', // the quick run's 1 s is too short to be sure of answers on a heavily shared CI
      '--workers',
      '2',
      '--workload',
      example(file),
      '--scenarios',
      'workload,workload-rate,workload-fairness',
      '--json',
      '--out',
      out,
    ]);
    stderr = run.code === 0 ? '' : run.stderr;
    // Without a report every test below fails on it: say why the lab wrote none.
    if (run.code !== 0) throw new Error(`lab exited ${run.code}:\n${run.stderr.slice(-3000)}`);
    const { report: dir } = JSON.parse(run.stdout) as { report: string };
    report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
  }, 300_000);

  it('measures the workload under every model in its three scenarios', () => {
    expect(stderr).toBe('');
    expect(report.run.workload).toMatchObject({ path: example(file) });
    expect(report.run.workload?.describe).toContain(describes);
    expect(report.scenarios.map((s) => s.id)).toEqual([
      'workload',
      'workload-rate',
      'workload-fairness',
    ]);
    for (const scenario of report.scenarios) {
      expect(scenario.results.map((r) => r.model)).toEqual([...MODEL_NAMES]);
      for (const r of scenario.results) {
        const where = `${scenario.id}/${r.model}`;
        expect([where, r.summary.rps > 0, r.summary.failed]).toEqual([where, true, 0]);
      }
    }
  });

  it('runs the fixed rate at half the slowest model’s capacity', () => {
    const saturation = report.scenarios.find((s) => s.id === 'workload');
    const rate = report.scenarios.find((s) => s.id === 'workload-rate');
    const slowest = Math.min(...(saturation?.results ?? []).map((r) => r.summary.rps));
    expect(rate?.title).toContain(`${Math.max(1, Math.floor(slowest / 2))} req/s`);
  });

  it('decides the verdicts from the figures, in the built-in scenarios’ words, and says what to choose', () => {
    for (const scenario of report.scenarios) {
      expect(MODEL_NAMES).toContain(scenario.verdict.leaders[0]);
      // workload-fairness takes fairness's row, which the guide's table does not have: not weighed.
      const weighed = scenario.id !== 'workload-fairness';
      expect([scenario.id, scenario.verdict.agreesWithGuide === null]).toEqual([
        scenario.id,
        !weighed,
      ]);
      expect(scenario.verdict.note).toMatch(
        weighed
          ? /^(Agrees|Does not agree) with the guide \(/
          : /^Nothing in the guide to weigh \(not in the guide's table/,
      );
    }
    expect(report.choose.some((line) => line.startsWith('Your workload ('))).toBe(true);
  });
});
