import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CatalogError, MODELS, parseCatalog, type Scenario } from '../k6/lib/catalog.ts';
import {
  k6Options,
  measuredStream,
  routeOf,
  runParams,
  RunParamsError,
  summaryOutputs,
} from '../k6/lib/plan.ts';

const root = join(__dirname, '..');
const raw = JSON.parse(readFileSync(join(root, 'scenarios.json'), 'utf8')) as {
  scenarios: Record<string, unknown>[];
};
const catalog = parseCatalog(raw);
const params = runParams({
  BASE_URL: 'http://threads-service:3002',
  MODEL: 'threads',
  DURATION: '20s',
  SUMMARY_DIR: '/reports',
});
const thresholds = { p95Ms: 100, maxFailedRate: 0.01 };

/** The first stream of a raw scenario, to break it on purpose. */
function firstStream(scenario: Record<string, unknown> | undefined): Record<string, unknown> {
  const stream = (scenario?.['streams'] as Record<string, unknown>[] | undefined)?.[0];
  if (!stream) throw new Error('scenarios.json has a scenario without streams');
  return stream;
}

describe('the k6 scripts read scenarios.json', () => {
  it('accepts the shared file, every stream intact', () => {
    expect(catalog.scenarios.map((s) => s.id)).toEqual(raw.scenarios.map((s) => s['id']));
    const fairness = catalog.scenarios.find((s) => s.id === 'fairness');
    expect(fairness?.streams).toEqual([
      {
        name: 'cpu-background',
        method: 'GET',
        path: '/cpu/fib?n=32',
        connections: 4,
        measure: false,
      },
      {
        name: 'io-probe',
        method: 'GET',
        path: '/io/sleep?ms=10',
        connections: 4,
        rate: 100,
        measure: true,
      },
    ]);
  });

  // One field of a stream of scenarios.json broken (the first stream of scenario `at`), and the
  // message that must name where and what: k6 cannot load the lab's zod schema, so parseCatalog
  // is the scripts' only check of these fields.
  const fairnessAt = raw.scenarios.findIndex((s) => s['id'] === 'fairness');
  it.each<[string, number, Record<string, unknown>, string]>([
    [
      'no measured stream',
      0,
      { measure: false },
      'Expected scenarios[0].streams to be exactly one stream with measure: true, got `0`',
    ],
    [
      'two measured streams (fairness measures only its io-probe)',
      fairnessAt,
      { measure: true },
      `Expected scenarios[${fairnessAt}].streams to be exactly one stream with measure: true, got \`2\``,
    ],
    [
      'an unknown method',
      1,
      { method: 'PUT' },
      'Expected scenarios[1].streams[0].method to be GET or POST, got `"PUT"`',
    ],
    [
      'a path without its leading /',
      2,
      { path: 'cpu/fib' },
      'Expected scenarios[2].streams[0].path to be a path starting with /, got `"cpu/fib"`',
    ],
    [
      'no connections',
      0,
      { connections: 0 },
      'Expected scenarios[0].streams[0].connections to be an integer from 1, got `0`',
    ],
    [
      'a negative rate',
      0,
      { rate: -5 },
      'Expected scenarios[0].streams[0].rate to be an integer from 1, got `-5`',
    ],
  ])('refuses %s, naming where and what', (_, at, change, message) => {
    const broken = structuredClone(raw);
    Object.assign(firstStream(broken.scenarios[at]), change);
    expect(() => parseCatalog(broken)).toThrow(CatalogError);
    expect(() => parseCatalog(broken)).toThrow(message);
  });

  it('refuses a duplicate id', () => {
    const duplicate = { scenarios: [raw.scenarios[0], raw.scenarios[0]] };
    expect(() => parseCatalog(duplicate)).toThrow(
      `Expected scenario ids to be unique, got \`${JSON.stringify(raw.scenarios[0]?.id)}\``,
    );
  });
});

describe('run parameters (k6 run -e …)', () => {
  it('reads the target, the model, the duration and the summary folder', () => {
    expect(params).toEqual({
      baseUrl: 'http://threads-service:3002',
      model: 'threads',
      duration: '20s',
      summaryDir: '/reports',
    });
    expect(runParams({ BASE_URL: 'http://127.0.0.1:3001', MODEL: 'async' })).toMatchObject({
      duration: '30s',
      summaryDir: '.',
    });
  });

  it.each([
    [{ MODEL: 'async' }, 'Expected `BASE_URL` to be an http(s) origin without a path, got ``'],
    [
      { BASE_URL: 'ftp://x:1', MODEL: 'async' },
      'Expected `BASE_URL` to be an http(s) origin without a path, got `ftp://x:1`',
    ],
    [
      { BASE_URL: 'http://x:1/cpu', MODEL: 'async' },
      'Expected `BASE_URL` to be an http(s) origin without a path, got `http://x:1/cpu`',
    ],
    [
      { BASE_URL: 'http://x:1', MODEL: 'fibers' },
      `Expected \`MODEL\` to be one of ${MODELS.join(', ')}, got \`fibers\``,
    ],
    [
      { BASE_URL: 'http://x:1', MODEL: 'async', DURATION: 'long' },
      'Expected `DURATION` to be a k6 duration such as 30s or 2m, got `long`',
    ],
  ])('refuses %j', (env, message) => {
    expect(() => runParams(env)).toThrow(RunParamsError);
    expect(() => runParams(env)).toThrow(message);
  });
});

describe.each(catalog.scenarios)('k6 options for $id', (scenario: Scenario) => {
  const options = k6Options(scenario, params, thresholds);
  const measured = measuredStream(scenario);

  it('tags every metric with the model and the scenario, as run tags and on every stream', () => {
    expect(options.tags).toEqual({ model: 'threads', lab_scenario: scenario.id });
    // Scenario tags survive a `--tag` on the command line, which replaces options.tags whole.
    for (const stream of scenario.streams) {
      expect(options.scenarios?.[stream.name]?.tags).toEqual({
        model: 'threads',
        lab_scenario: scenario.id,
        measure: String(stream.measure),
      });
    }
  });

  it('leaves testid to the launcher: a scenario tag would override its --tag on VU series', () => {
    const tagged = [options.tags, ...Object.values(options.scenarios ?? {}).map((s) => s.tags)];
    expect(tagged.filter((tags) => tags !== undefined && 'testid' in tags)).toEqual([]);
  });

  it('runs each stream with a rate as an open model, its connections as the VU bound', () => {
    for (const stream of scenario.streams) {
      const k6Scenario = options.scenarios?.[stream.name];
      const tags = { model: 'threads', lab_scenario: scenario.id, measure: String(stream.measure) };
      const shared = { exec: 'stream', tags, duration: '20s' };
      expect(k6Scenario).toEqual(
        stream.rate
          ? {
              ...shared,
              executor: 'constant-arrival-rate',
              rate: stream.rate,
              timeUnit: '1s',
              preAllocatedVUs: stream.connections,
              maxVUs: stream.connections,
            }
          : { ...shared, executor: 'constant-vus', vus: stream.connections },
      );
    }
    expect(Object.keys(options.scenarios ?? {})).toEqual(scenario.streams.map((s) => s.name));
  });

  it('puts the thresholds on the measured stream', () => {
    expect(options.thresholds).toEqual({
      [`http_req_duration{scenario:${measured.name}}`]: ['p(95)<100'],
      [`http_req_failed{scenario:${measured.name}}`]: ['rate<0.01'],
    });
  });

  it('writes the summary JSON to SUMMARY_DIR/<scenario>-<model>.json and a line to stdout', () => {
    const outputs = summaryOutputs(
      {
        metrics: {
          [`http_req_duration{scenario:${measured.name}}`]: {
            values: { 'p(95)': 12.34 },
            thresholds: { 'p(95)<100': { ok: true } },
          },
          [`http_req_failed{scenario:${measured.name}}`]: {
            values: { rate: 0.02 },
            thresholds: { 'rate<0.01': { ok: false } },
          },
        },
      },
      scenario,
      params,
      thresholds,
    );
    expect(Object.keys(outputs)).toEqual([`/reports/${scenario.id}-threads.json`, 'stdout']);
    expect(outputs['stdout']).toBe(
      `${scenario.id} on threads: p95 12.3 ms, failed 2.0%, thresholds FAILED\n`,
    );
    expect(JSON.parse(outputs[`/reports/${scenario.id}-threads.json`] ?? '')).toMatchObject({
      scenario: scenario.id,
      model: 'threads',
      baseUrl: 'http://threads-service:3002',
      passed: false,
    });
  });

  type SummaryMetrics = NonNullable<Parameters<typeof summaryOutputs>[0]['metrics']>;
  it.each<[string, SummaryMetrics]>([
    ['no metrics at all (`k6 run --no-thresholds` reports none)', {}],
    [
      'one of the two thresholds',
      {
        [`http_req_duration{scenario:${measured.name}}`]: {
          values: { 'p(95)': 12.34 },
          thresholds: { 'p(95)<100': { ok: true } },
        },
        [`http_req_failed{scenario:${measured.name}}`]: { values: { rate: 0 } },
      },
    ],
    [
      'a threshold other than the one the options set',
      {
        [`http_req_duration{scenario:${measured.name}}`]: {
          thresholds: { 'p(95)<100': { ok: true } },
        },
        [`http_req_failed{scenario:${measured.name}}`]: {
          thresholds: { 'rate<0.5': { ok: true } },
        },
      },
    ],
  ])('does not call a run passed when its summary lacks a threshold: %s', (_, metrics) => {
    const outputs = summaryOutputs({ metrics }, scenario, params, thresholds);
    expect(outputs['stdout']).toMatch(/thresholds not judged\n$/);
    expect(JSON.parse(outputs[`/reports/${scenario.id}-threads.json`] ?? '')).toMatchObject({
      passed: false,
    });
  });

  it('calls a run passed when both of its thresholds held (the control)', () => {
    const outputs = summaryOutputs(
      {
        metrics: {
          [`http_req_duration{scenario:${measured.name}}`]: {
            thresholds: { 'p(95)<100': { ok: true } },
          },
          [`http_req_failed{scenario:${measured.name}}`]: {
            thresholds: { 'rate<0.01': { ok: true } },
          },
        },
      },
      scenario,
      params,
      thresholds,
    );
    expect(outputs['stdout']).toMatch(/thresholds passed\n$/);
    expect(JSON.parse(outputs[`/reports/${scenario.id}-threads.json`] ?? '')).toMatchObject({
      passed: true,
    });
  });
});

it('names requests by route template so each route stays one series', () => {
  expect(routeOf('/cpu/fib?n=30')).toBe('/cpu/fib');
  expect(routeOf('/counter')).toBe('/counter');
});

it('sets the tags the k6 results dashboard filters on (observability/grafana/dashboards/k6-results.json)', () => {
  const dashboard = readFileSync(
    join(root, '..', 'observability', 'grafana', 'dashboards', 'k6-results.json'),
    'utf8',
  );
  const filtered = new Set([...dashboard.matchAll(/\b([a-z_]+)=~?\\"/g)].map((m) => m[1]));
  const [first] = catalog.scenarios;
  if (!first) throw new Error('scenarios.json has no scenarios');
  const options = k6Options(first, params, thresholds);
  // ours: options.tags and the per-stream `measure`; k6's own: `scenario` (the stream), the run's
  // `testid` (--tag) and `expected_response`, a default system tag of every HTTP sample (the
  // scripts leave `systemTags` at k6's default, which includes it).
  expect(options.systemTags).toBeUndefined();
  const tagged = new Set([
    ...Object.keys(options.tags ?? {}),
    'measure',
    'scenario',
    'testid',
    'expected_response',
  ]);
  expect([...filtered].filter((label) => !tagged.has(label as string))).toEqual([]);
  expect([...filtered].sort()).toEqual([
    'expected_response',
    'lab_scenario',
    'measure',
    'model',
    'testid',
  ]);
});
