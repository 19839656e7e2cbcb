import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tiedCommand } from '@concurrency-lab/launcher';
import {
  DriverUnavailableError,
  type DriverRun,
  type LoadDriver,
  type StreamResult,
} from './load-driver';

/** True when a `k6` binary answers on PATH. */
export function k6Available(): boolean {
  const probe = spawnSync('k6', ['version'], { stdio: 'ignore' });
  return probe.status === 0;
}

interface K6Metric {
  values?: Record<string, number>;
}

/**
 * The whole seconds k6 runs for a requested duration: the scripts take `DURATION` as `<n>s`, so
 * a run of 9.6 s lasts 10 and one of 0.25 s lasts 1. Rates divide by this, what k6 really ran.
 */
export const k6Seconds = (durationSeconds: number): number =>
  Math.max(1, Math.round(durationSeconds));

/**
 * What load-tests/k6 scripts write through handleSummary: `<SUMMARY_DIR>/<scenario>-<model>.json`.
 */
export interface K6RunSummary {
  scenario: string;
  model: string;
  k6: { metrics?: Record<string, K6Metric> };
}

/**
 * Maps a k6 summary onto the lab's stream results. The scripts define per-stream sub-metrics
 * (`http_req_duration{scenario:<stream>}`, `http_req_failed{scenario:<stream>}`) for the measured
 * stream; `http_req_failed`'s passes/fails are its failed/ok counts. Streams without them (a
 * background stream) get counts only from what k6 reports for them, which may be none.
 */
export function streamResultsFromK6(
  summary: K6RunSummary,
  run: Pick<DriverRun, 'streams' | 'durationSeconds'>,
): StreamResult[] {
  const metrics = summary.k6.metrics ?? {};
  const seconds = k6Seconds(run.durationSeconds);
  return run.streams.map((stream): StreamResult => {
    const duration = metrics[`http_req_duration{scenario:${stream.name}}`]?.values ?? {};
    const failedRate = metrics[`http_req_failed{scenario:${stream.name}}`]?.values ?? {};
    // For a rate metric k6 counts `passes` (value true: the request failed) and `fails`.
    const failed = Math.round(failedRate['passes'] ?? 0);
    const ok = Math.round(failedRate['fails'] ?? 0);
    const dropped = stream.measure
      ? Math.round(metrics['dropped_iterations']?.values?.['count'] ?? 0)
      : 0;
    const round = (v: number | undefined) => Math.round((v ?? 0) * 1000) / 1000;
    return {
      name: stream.name,
      measure: stream.measure,
      durationSeconds: seconds,
      sent: ok + failed,
      ok,
      failed,
      dropped,
      failures: failed > 0 ? { failed } : {},
      rps: Math.round((ok / seconds) * 100) / 100,
      latencyMs: {
        p50: round(duration['med']),
        p90: round(duration['p(90)']),
        p95: round(duration['p(95)']),
        p99: round(duration['p(99)']),
        max: round(duration['max']),
        mean: round(duration['avg']),
      },
    };
  });
}

/**
 * The `k6 run` command line for one scenario against one model. `model`, `lab_scenario` and
 * `testid` go as `--tag`s: a `--tag` replaces the script's `options.tags` as a whole, and only
 * these run tags reach `k6_vus` and `k6_dropped_iterations_total` when the run is pushed to
 * Prometheus (`K6_OUT`) — the same tags load-tests/k6/run-all.sh passes (see
 * load-tests/k6/lib/plan.ts).
 */
export function k6RunArgs(
  run: Pick<DriverRun, 'scenarioId' | 'model' | 'baseUrl' | 'durationSeconds'>,
  paths: { scriptsDir: string; summaryDir: string },
  testid: string,
): string[] {
  return [
    'run',
    '--quiet',
    '--tag',
    `testid=${testid}`,
    '--tag',
    `model=${run.model}`,
    '--tag',
    `lab_scenario=${run.scenarioId}`,
    '-e',
    `BASE_URL=${run.baseUrl}`,
    '-e',
    `MODEL=${run.model}`,
    '-e',
    `DURATION=${k6Seconds(run.durationSeconds)}s`,
    '-e',
    `SUMMARY_DIR=${paths.summaryDir}`,
    join(paths.scriptsDir, `${run.scenarioId}.ts`),
  ];
}

/** `20250102T030405Z`: the UTC time, the same default testid run-all.sh uses. */
function utcStamp(date: Date): string {
  return date
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
}

/**
 * `--driver k6`: runs `load-tests/k6/<scenario>.ts` against the model with the same duration
 * (the scripts read the rates and connections from the same scenarios.json) and reads the JSON
 * summary its `handleSummary` writes. k6 must be on PATH (it is not an npm package).
 */
export class K6Driver implements LoadDriver {
  readonly name = 'k6';
  /**
   * k6 reports through the summary its `handleSummary` writes when the run ends: nothing per
   * interval reaches the lab, so the samples' req/s and p99 are unknown (null), not 0. Before
   * schema 4 they said 0 — "no answers" beside a summary of a model that answered — and `lab
   * compare` would take such a series for a model that answered nothing, flagged by the other
   * run's noise alone; it reads those reports' 0s as null (read-report.ts, `unmeasuredRps`).
   */
  readonly recordsIntervals = false;
  readonly #scriptsDir: string;
  readonly #testid: string;

  /**
   * @param testid tags every k6 series of this lab run (the k6 dashboard's "Run").
   * @default `TESTID` from the environment, else the UTC start time
   */
  constructor(root: string, testid = process.env['TESTID'] || utcStamp(new Date())) {
    if (!k6Available()) {
      throw new DriverUnavailableError(
        '`--driver k6` needs the k6 binary on PATH; it was not found (use the default autocannon driver)',
      );
    }
    this.#scriptsDir = join(root, 'load-tests', 'k6');
    this.#testid = testid;
  }

  /** The warm-up is a k6 run of its own, its summary thrown away; then the measured run. */
  async run(run: DriverRun): Promise<StreamResult[]> {
    if (run.warmupSeconds > 0) await this.#once({ ...run, durationSeconds: run.warmupSeconds });
    run.onMeasure?.();
    return this.#once(run);
  }

  async #once(run: DriverRun): Promise<StreamResult[]> {
    const dir = mkdtempSync(join(tmpdir(), 'lab-k6-'));
    try {
      const args = k6RunArgs(run, { scriptsDir: this.#scriptsDir, summaryDir: dir }, this.#testid);
      // Tied to the lab: a lab killed outright leaves no k6 loading the services.
      const tied = tiedCommand('k6', args);
      const code = await new Promise<number | null>((resolve) =>
        spawn(tied.command, tied.args, { stdio: ['ignore', 'ignore', 'inherit'] }).once(
          'exit',
          resolve,
        ),
      );
      // 99: a threshold failed — a finding about the model, not a broken run.
      if (code !== 0 && code !== 99)
        throw new Error(`k6 exited with ${code} on ${run.scenarioId}/${run.model}`);
      const summary = JSON.parse(
        readFileSync(join(dir, `${run.scenarioId}-${run.model}.json`), 'utf8'),
      ) as K6RunSummary;
      return streamResultsFromK6(summary, run);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
