/**
 * `lab --driver k6` end to end, with a STAND-IN for k6 on PATH (there is no k6 binary here). The
 * lab starts it as it starts k6 (`k6 version`, then `k6 run ... -e DURATION=<n>s -e
 * SUMMARY_DIR=<dir> -e MODEL=<m> <dir>/<scenario>.ts`), and it answers as the k6 scripts do: it
 * runs for the duration, then writes what their handleSummary writes (load-tests/k6/lib/plan.ts,
 * `summaryOutputs`): `<SUMMARY_DIR>/<scenario>-<model>.json`, k6's summary data under `k6` — here
 * 20 answers a second of the measured stream, none failed. Nothing reaches the lab before it
 * ends, as with k6: the samples cannot hold a per-interval req/s or p99.
 */
import { workspaceRoot } from '@concurrency-lab/launcher';
import { runApp, tempFolder } from '@concurrency-lab/launcher/testing';
import Ajv2020 from 'ajv/dist/2020';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Comparison } from '../src/compare/compare-reports';
import type { Report } from '../src/report/report-schema';

const K6_STAND_IN = `#!/bin/sh
[ "$1" = version ] && exit 0
for a in "$@"; do
  case "$a" in
    SUMMARY_DIR=*) D="\${a#SUMMARY_DIR=}";;
    DURATION=*) S="\${a#DURATION=}";;
    MODEL=*) M="\${a#MODEL=}";;
    *.ts) N=$(basename "$a" .ts);;
  esac
done
S="\${S%s}"
sleep "$S"
cat > "$D/$N-$M.json" <<JSON
{"scenario":"$N","model":"$M","passed":true,"k6":{"metrics":{
"http_req_duration{scenario:fib}":{"type":"trend","contains":"time","values":{"avg":11,"med":10,"p(90)":12,"p(95)":13,"p(99)":20,"max":25}},
"http_req_failed{scenario:fib}":{"type":"rate","contains":"default","values":{"rate":0,"passes":0,"fails":$((20 * S))}}}}}
JSON
`;

describe('lab --driver k6 (a stand-in k6 on PATH)', () => {
  const out = tempFolder('lab-k6-');

  it('reports k6’s totals, and no per-interval req/s or p99 (null, not 0): compare calls its noise unknown', async () => {
    const bin = join(out, 'bin');
    mkdirSync(bin);
    writeFileSync(join(bin, 'k6'), K6_STAND_IN);
    chmodSync(join(bin, 'k6'), 0o755);
    const env = { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` };
    const run = await runApp(
      'lab',
      [
        '--driver',
        'k6',
        '--quick',
        '--duration',
        '2',
        '--models',
        'async',
        '--scenarios',
        'cpu',
        '--json',
        '--out',
        join(out, 'reports'),
      ],
      { env },
    );
    expect({ code: run.code, stderr: run.code === 0 ? '' : run.stderr }).toEqual({
      code: 0,
      stderr: '',
    });
    const { report: dir } = JSON.parse(run.stdout) as { report: string };
    const report = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8')) as Report;
    const schema = JSON.parse(
      readFileSync(join(workspaceRoot(), 'apps', 'lab', 'report.schema.json'), 'utf8'),
    );
    const validate = new Ajv2020({ strict: false, validateFormats: false }).compile(schema);
    expect(validate(report) ? [] : validate.errors).toEqual([]);
    const [result] = report.scenarios[0]?.results ?? [];
    // The summary is k6's: 40 answers over its 2 s, its p99.
    expect(result?.summary).toMatchObject({ rps: 20, p99Ms: 20 });
    // The sampler ran (the control: RSS read every interval) and had no req/s or p99 to give.
    const samples = result?.samples ?? [];
    expect(samples.length).toBeGreaterThanOrEqual(3);
    expect(samples.every((s) => s.rssBytes > 0)).toBe(true);
    expect(samples.map((s) => [s.rps, s.p99Ms])).toEqual(samples.map(() => [null, null]));

    // `lab compare` of the run with itself: req/s has no noise figure, so the row is unknown;
    // RSS, sampled every interval, has one (the control).
    const compared = await runApp('lab', ['compare', dir, dir, '--out', join(out, 'compare')]);
    expect({ code: compared.code, stderr: compared.stderr }).toEqual({ code: 0, stderr: '' });
    const comparison = JSON.parse(
      readFileSync(join(out, 'compare', 'compare.json'), 'utf8'),
    ) as Comparison;
    const row = (figure: string) => comparison.rows.find((r) => r.figure === figure);
    expect(row('rps')).toMatchObject({ a: 20, b: 20, noise: null, flag: 'unknown' });
    expect(row('rss')?.noise).toEqual(expect.any(Number));
  }, 120_000);
});
