/**
 * Everything a k6 run decides before it sends a request — which executor per stream, the tags,
 * the thresholds, where the summary goes — as pure functions, so jest can test them (the k6
 * modules exist only inside k6). scenario-script.ts wires them to k6.
 */
import type { Options } from 'k6/options';
import { MODELS, type ModelName, type Scenario, type Stream } from './catalog.ts';
import { RunParamsError } from './errors.ts';

export { MODELS };

/** What a run is pointed at, from `k6 run -e NAME=value`. */
export interface RunParams {
  /** The model service, e.g. http://async-service:3001 (BASE_URL). */
  baseUrl: string;
  /** The contract's model label (MODEL); every metric is tagged with it. */
  model: ModelName;
  /** Per stream (DURATION). @default '30s' */
  duration: string;
  /** Folder for the JSON summary (SUMMARY_DIR). @default '.' */
  summaryDir: string;
}

/** A scenario's pass/fail line for its measured stream, as a k6 threshold. */
export interface ScenarioThresholds {
  /** The 95th percentile of the measured stream's duration must stay under this. */
  p95Ms: number;
  /** At most this share of the measured stream's requests may fail (non-2xx/3xx, no answer). */
  maxFailedRate: number;
}

export { RunParamsError };

export function runParams(env: Record<string, string | undefined>): RunParams {
  const baseUrl = env['BASE_URL'] ?? '';
  if (!/^https?:\/\/[^/\s]+$/.test(baseUrl)) {
    throw new RunParamsError(
      `Expected \`BASE_URL\` to be an http(s) origin without a path, got \`${baseUrl}\``,
    );
  }
  const model = env['MODEL'] ?? '';
  if (!(MODELS as readonly string[]).includes(model)) {
    throw new RunParamsError(
      `Expected \`MODEL\` to be one of ${MODELS.join(', ')}, got \`${model}\``,
    );
  }
  const duration = env['DURATION'] ?? '30s';
  if (!/^(\d+(ms|s|m|h))+$/.test(duration)) {
    throw new RunParamsError(
      `Expected \`DURATION\` to be a k6 duration such as 30s or 2m, got \`${duration}\``,
    );
  }
  return { baseUrl, model: model as ModelName, duration, summaryDir: env['SUMMARY_DIR'] ?? '.' };
}

export function measuredStream(scenario: Scenario): Stream {
  const stream = scenario.streams.find((s) => s.measure);
  if (!stream) throw new Error(`scenario ${scenario.id} has no measured stream`);
  return stream;
}

/**
 * k6 options for one scenario against one model. A stream with a rate is an open model
 * (`constant-arrival-rate`): requests arrive at that rate whether or not answers keep up, and
 * its `connections` become the VU pool, so an arrival finding every VU busy is dropped
 * (`dropped_iterations`) — the same bound the lab's autocannon driver applies. A stream
 * without a rate ("as fast as the connections allow") is by definition closed: `constant-vus`.
 *
 * Tags (they become Prometheus labels via remote write; the k6 dashboard filters on them). k6
 * keeps two maps (grafana/k6 v1.3.0):
 * - run tags, `options.tags`: one map per layer, and a layer that sets any tag replaces the
 *   whole map — script < `K6_TAGS` < `--tag` (`lib/options.go` `Apply`, `internal/cmd/config.go`
 *   `getConsolidatedConfig`). So `k6 run --tag testid=x` drops `model` and `lab_scenario` from
 *   here, and the k6-operator always passes `--tag instance_id=… --tag testrun_name=…`. Run tags
 *   alone reach `vus`/`vus_max` (+ `scenario` on `dropped_iterations`).
 * - scenario tags, merged over the run tags on everything a VU emits (`internal/js/runner.go`),
 *   whatever the command line says.
 * Hence `model`, `lab_scenario` and `measure` on every stream (VU series keep them however k6 is
 * started), `model`/`lab_scenario` also as run tags for a plain `k6 run`, and every launcher
 * (run-all.sh, the lab's k6 driver, the k8s TestRuns) passes `--tag model=… --tag
 * lab_scenario=… --tag testid=…` so that `vus` and `dropped_iterations` carry them too.
 * `testid` is never a scenario tag: it would override the launcher's on VU series.
 */
export function k6Options(
  scenario: Scenario,
  params: RunParams,
  thresholds: ScenarioThresholds,
): Options {
  const runTags = { model: params.model, lab_scenario: scenario.id };
  const scenarios: NonNullable<Options['scenarios']> = {};
  for (const stream of scenario.streams) {
    const common = { exec: 'stream', tags: { ...runTags, measure: String(stream.measure) } };
    scenarios[stream.name] = stream.rate
      ? {
          ...common,
          executor: 'constant-arrival-rate',
          rate: stream.rate,
          timeUnit: '1s',
          duration: params.duration,
          preAllocatedVUs: stream.connections,
          maxVUs: stream.connections,
        }
      : { ...common, executor: 'constant-vus', vus: stream.connections, duration: params.duration };
  }
  return {
    tags: runTags,
    scenarios,
    thresholds: measuredThresholds(scenario, thresholds),
    summaryTrendStats: ['avg', 'min', 'med', 'max', 'p(90)', 'p(95)', 'p(99)'],
    // Only statuses are checked: bodies (PNGs, page lists) would cost memory for nothing.
    discardResponseBodies: true,
  };
}

/** The thresholds on the measured stream: sub-metric → expressions, as k6's options take them. */
function measuredThresholds(
  scenario: Scenario,
  thresholds: ScenarioThresholds,
): Record<string, string[]> {
  const measured = measuredStream(scenario);
  return {
    [`http_req_duration{scenario:${measured.name}}`]: [`p(95)<${thresholds.p95Ms}`],
    [`http_req_failed{scenario:${measured.name}}`]: [`rate<${thresholds.maxFailedRate}`],
  };
}

/** `/cpu/fib?n=30` → `/cpu/fib`: the `name` tag, so URLs with parameters stay one series. */
export function routeOf(path: string): string {
  return path.split('?')[0] as string;
}

interface SummaryMetric {
  values?: Record<string, number>;
  thresholds?: Record<string, { ok: boolean }>;
}

/**
 * handleSummary's output: the full k6 summary plus what the run was, as JSON in
 * SUMMARY_DIR/<scenario>-<model>.json, and one line per run on stdout.
 */
export function summaryOutputs(
  data: { metrics?: Record<string, SummaryMetric> },
  scenario: Scenario,
  params: RunParams,
  thresholds: ScenarioThresholds,
): Record<string, string> {
  const measured = measuredStream(scenario);
  const metrics = data.metrics ?? {};
  const duration = metrics[`http_req_duration{scenario:${measured.name}}`];
  const failed = metrics[`http_req_failed{scenario:${measured.name}}`];
  // Each threshold k6Options set, as the summary reports it. One that is absent was never
  // judged (`k6 run --no-thresholds`, a summary without the sub-metric): that run has not passed.
  const verdicts = Object.entries(measuredThresholds(scenario, thresholds)).flatMap(
    ([metric, expressions]) => expressions.map((e) => metrics[metric]?.thresholds?.[e]?.ok),
  );
  const judged = verdicts.every((ok) => ok !== undefined);
  const passed = judged && verdicts.every((ok) => ok);
  const verdict = passed ? 'passed' : judged ? 'FAILED' : 'not judged';
  const p95 = duration?.values?.['p(95)'];
  const line =
    `${scenario.id} on ${params.model}: p95 ${p95 === undefined ? 'n/a' : `${p95.toFixed(1)} ms`}, ` +
    `failed ${((failed?.values?.['rate'] ?? 0) * 100).toFixed(1)}%, thresholds ${verdict}\n`;
  const file = `${params.summaryDir.replace(/\/$/, '')}/${scenario.id}-${params.model}.json`;
  const report = {
    scenario: scenario.id,
    model: params.model,
    baseUrl: params.baseUrl,
    thresholds,
    passed,
    k6: data,
  };
  return { [file]: `${JSON.stringify(report, null, 2)}\n`, stdout: line };
}
