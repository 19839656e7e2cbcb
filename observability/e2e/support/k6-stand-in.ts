import { execFile } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { parseCatalog, type Scenario } from '@concurrency-lab/load-tests/k6/lib/catalog.ts';
import { k6Options, routeOf, runParams } from '@concurrency-lab/load-tests/k6/lib/plan.ts';
import {
  k6HttpSample,
  k6SampleTags,
  remoteWriteLabels,
  type K6Emitter,
  type K6Start,
} from '../../test/support/k6-sample-tags';
import { remoteWrite, type Series } from './remote-write';

/**
 * A STAND-IN for k6, which cannot run here (no binary on this machine). It behaves as k6 is
 * documented and coded to behave on what the dashboards depend on:
 * - `recordRunAll` runs the real load-tests/k6/run-all.sh with a stand-in `k6` on PATH that only
 *   records each command line, so the launcher under test is the real one;
 * - for each recorded `k6 run`, the options are the real `k6Options()` of
 *   load-tests/k6/lib/plan.ts (what the entry script exports), and every series' labels come
 *   from k6's tag rules (test/support/k6-sample-tags.ts) applied to those options and that argv;
 * - series names follow k6's remote-write mapping (counter → `_total`, rate → `_rate`, each
 *   `K6_PROMETHEUS_RW_TREND_STATS` stat → `_<stat>` in seconds), pushed through Prometheus's real
 *   remote-write receiver, only for a run whose `--out`/`K6_OUT` is `experimental-prometheus-rw`;
 * - requests are split by answer as k6 splits them (k6HttpSample): one series per status, each
 *   with its own counter, its own `http_req_failed` rate (0 on the 200s, 1 on the 503s and 504s)
 *   and its own trend stats — {@link STAND_IN_ANSWERS}.
 * The values are made up; only names, labels and that split are k6's.
 */

const execFileAsync = promisify(execFile);
const repo = join(__dirname, '..', '..', '..');
const catalog = parseCatalog(
  JSON.parse(readFileSync(join(repo, 'load-tests', 'scenarios.json'), 'utf8')),
);

/** Records its argv, NUL-separated, one file per call, and succeeds like a passing k6 run. */
const RECORDER = `#!/bin/sh
n=$(ls "$K6_STAND_IN_LOG" | wc -l)
printf '%s\\0' "$@" > "$K6_STAND_IN_LOG/$(printf %04d "$n")"
`;

/**
 * Runs load-tests/k6/run-all.sh with `env`, returning the argv of every `k6` it started. With
 * `catalog`, a copy of the script runs beside that text as its scenarios.json; a run that fails
 * rejects with execFile's error (`code`, `stderr`).
 */
export async function recordRunAll(
  env: Record<string, string>,
  catalog?: string,
): Promise<string[][]> {
  const dir = mkdtempSync(join(tmpdir(), 'k6-stand-in-'));
  try {
    const bin = join(dir, 'bin');
    const log = join(dir, 'log');
    for (const d of [bin, log]) mkdirSync(d);
    writeFileSync(join(bin, 'k6'), RECORDER);
    chmodSync(join(bin, 'k6'), 0o755);
    let script = join(repo, 'load-tests', 'k6', 'run-all.sh');
    if (catalog !== undefined) {
      const copy = join(dir, 'k6', 'run-all.sh');
      mkdirSync(join(dir, 'k6'));
      copyFileSync(script, copy);
      writeFileSync(join(dir, 'scenarios.json'), catalog);
      script = copy;
    }
    await execFileAsync('sh', [script], {
      env: { ...env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, K6_STAND_IN_LOG: log },
    });
    return readdirSync(log)
      .sort()
      .map((file) => readFileSync(join(log, file), 'utf8').split('\0').slice(0, -1));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** One `k6 run` as k6 would see it: options from the script, argv, environment. */
interface K6Run extends K6Start {
  scenario: Scenario;
  baseUrl: string;
  pushes: boolean;
  trendStats: string[];
}

/** `-e NAME=VALUE` of `argv` (k6's `__ENV`). */
function scriptEnv(argv: readonly string[]): Record<string, string> {
  const env: Record<string, string> = {};
  argv.forEach((arg, i) => {
    const pair = arg === '-e' || arg === '--env' ? argv[i + 1] : undefined;
    const at = pair?.indexOf('=') ?? -1;
    if (pair && at > 0) env[pair.slice(0, at)] = pair.slice(at + 1);
  });
  return env;
}

/** `p(95)` → `p95`, `p(99.9)` → `p999`: k6's remote-write stat suffixes. */
const statSuffix = (stat: string) => stat.replace(/^p\((.+)\)$/, 'p$1').replace('.', '');

function k6Run(argv: readonly string[], env: Readonly<Record<string, string>>): K6Run {
  const script = argv.find((arg) => arg.endsWith('.ts'));
  if (!script) throw new Error(`no script in \`k6 ${argv.join(' ')}\``);
  // Every entry script runs the scenario of its own name
  // (load-tests/test/scenario-scripts.test.ts).
  const id = basename(script, '.ts');
  const scenario = catalog.scenarios.find((s) => s.id === id);
  if (!scenario) throw new Error(`scenarios.json has no scenario \`${id}\``);
  const params = runParams(scriptEnv(argv));
  // The thresholds decide pass/fail, not tags: any will do for the options' tags.
  const options = k6Options(scenario, params, { p95Ms: 1000, maxFailedRate: 0.05 });
  const out = argv.flatMap((arg, i) => (arg === '--out' || arg === '-o' ? [argv[i + 1]] : []));
  const pushes = [...out, ...(env['K6_OUT'] ?? '').split(',')].includes(
    'experimental-prometheus-rw',
  );
  const trendStats = (env['K6_PROMETHEUS_RW_TREND_STATS'] ?? 'p(99)').split(',').map(statSuffix);
  return { options, argv, env, scenario, baseUrl: params.baseUrl, pushes, trendStats };
}

/**
 * The answers every stream of every run gets, per tick of 100 requests: mostly 200s, some 503s
 * (sheds, answered at once) and 504s (deadlines, answered late). Per status, the trend stats in
 * seconds: a 200's grow with the stat's index `i` and the run's index `r`; a failure's are fixed.
 */
export const STAND_IN_ANSWERS: readonly {
  status: number;
  perTick: number;
  durationS: (stat: number, run: number) => number;
}[] = [
  { status: 200, perTick: 98, durationS: (i: number, r: number) => 0.01 * (i + 1) * (r + 1) },
  { status: 503, perTick: 1, durationS: () => 0.0005 },
  { status: 504, perTick: 1, durationS: () => 10 },
];

/** The share of failed requests (not 200–399) every model's runs have: 2 %. */
export const STAND_IN_FAILED_SHARE =
  STAND_IN_ANSWERS.filter((a) => a.status >= 400).reduce((n, a) => n + a.perTick, 0) /
  STAND_IN_ANSWERS.reduce((n, a) => n + a.perTick, 0);

/** Every series one run pushes at `tick` (values differ by run index `r`). */
export function k6RunSeries(run: K6Run, r: number, tick: number, timestampMs: number): Series[] {
  const series: Series[] = [];
  const sample = (metric: string, emitter: K6Emitter, value: number) =>
    series.push({
      labels: remoteWriteLabels(metric, k6SampleTags(run, emitter)),
      samples: [{ timestampMs, value }],
    });
  for (const stream of run.scenario.streams) {
    for (const answer of STAND_IN_ANSWERS) {
      const { system, request, failed } = k6HttpSample({
        method: stream.method,
        url: `${run.baseUrl}${stream.path}`,
        status: answer.status,
        tags: { name: routeOf(stream.path) }, // scenario-script.ts's params.tags
      });
      const http: K6Emitter = { kind: 'vu', scenario: stream.name, system, request };
      // Cumulative, as k6's CounterSink; perTick × (r + 1) a tick, so runs differ in volume.
      sample('http_reqs_total', http, (tick + 1) * answer.perTick * (r + 1));
      sample('http_req_failed_rate', http, failed);
      for (const [i, stat] of run.trendStats.entries())
        sample(`http_req_duration_${stat}`, http, answer.durationS(i, r));
    }
    const check: K6Emitter = {
      kind: 'vu',
      scenario: stream.name,
      system: { check: 'status is 2xx' },
    };
    sample('checks_rate', check, 1 - 0.01 * (r % 3));
    if (stream.rate)
      sample('dropped_iterations_total', { kind: 'executor', scenario: stream.name }, tick * r);
  }
  const busy = run.scenario.streams.reduce((sum, s) => sum + s.connections, 0);
  sample('vus', { kind: 'engine' }, busy);
  sample('vus_max', { kind: 'engine' }, busy);
  return series;
}

/**
 * Plays every recorded run at once: ten seconds of history, then one sample per series every
 * second (as k6 does during a run, at its push interval) to K6_PROMETHEUS_RW_SERVER_URL, until
 * stopped. Any refused push fails `stop()`.
 */
export async function startK6StandIn(
  invocations: readonly (readonly string[])[],
  env: Readonly<Record<string, string>>,
): Promise<{ stop(): Promise<void> }> {
  const target = env['K6_PROMETHEUS_RW_SERVER_URL'] ?? '';
  const prometheusUrl = target.replace(/\/api\/v1\/write$/, '');
  if (prometheusUrl === target)
    throw new Error(
      `Expected K6_PROMETHEUS_RW_SERVER_URL to end in /api/v1/write, got \`${target}\``,
    );
  const runs = invocations.map((argv) => k6Run(argv, env)).filter((run) => run.pushes);
  const seriesAt = (t: number, ts: number) => runs.flatMap((run, r) => k6RunSeries(run, r, t, ts));
  const start = Date.now();
  let tick = 0;
  let failure: Error | undefined;
  const push = async (series: Series[]) => {
    const { status, body } = await remoteWrite(prometheusUrl, series);
    if (status !== 204) throw new Error(`remote write answered ${status}: ${body}`);
  };
  await push(
    Array.from({ length: 10 }, () => tick++).flatMap((t) => seriesAt(t, start - (9 - t) * 1000)),
  );
  let pending = Promise.resolve();
  const timer = setInterval(() => {
    const t = tick++;
    pending = pending
      .then(() => push(seriesAt(t, start + (t - 9) * 1000)))
      .catch((e: Error) => {
        failure ??= e;
      });
  }, 1000);
  return {
    stop: async () => {
      clearInterval(timer);
      await pending;
      if (failure) throw failure;
    },
  };
}
