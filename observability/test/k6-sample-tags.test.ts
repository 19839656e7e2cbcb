/**
 * k6's tag rules (support/k6-sample-tags.ts), each case the behaviour of a cited line of grafana/k6
 * v1.3.0, and then the defect of issue 16 replayed through them with the real k6Options() of
 * load-tests/k6/lib/plan.ts: before the fix a `--tag testid=…` on the command line left every
 * series without `model`; after it, every series has `model`, `lab_scenario` and `testid`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Options } from 'k6/options';
import { parseCatalog } from '@concurrency-lab/load-tests/k6/lib/catalog.ts';
import { k6Options, routeOf, runParams } from '@concurrency-lab/load-tests/k6/lib/plan.ts';
import {
  cliRunTags,
  k6RunTags,
  k6SampleTags,
  K6TagError,
  k6HttpSample,
  remoteWriteLabels,
  type K6Emitter,
  type K6Start,
} from './support/k6-sample-tags';

const options = {
  tags: { codeTagKey: 'codeTagValue' },
  scenarios: { fib: { tags: { measure: 'true', codeTagKey: 'fromScenario' } } },
};

describe("k6's run tags: one map, replaced whole by each layer (lib/options.go l.490–491)", () => {
  it('are the script’s options.tags when nothing else sets any', () => {
    expect(k6RunTags({ options, argv: ['run', 'x.ts'] })).toEqual({ codeTagKey: 'codeTagValue' });
  });

  it('are only the CLI’s once any --tag is given (config_consolidation_test.go l.364–372)', () => {
    expect(k6RunTags({ options, argv: ['run', '--tag', 'clitagkey=clitagvalue', 'x.ts'] })).toEqual(
      { clitagkey: 'clitagvalue' },
    );
  });

  it('layer script < K6_TAGS < --tag (getConsolidatedConfig l.263, l.266, l.269)', () => {
    const env = { K6_TAGS: 'fromEnv:1,other:2' };
    expect(k6RunTags({ options, argv: ['run'], env })).toEqual({ fromEnv: '1', other: '2' });
    expect(k6RunTags({ options, argv: ['run', '--tag=cli=3'], env })).toEqual({ cli: '3' });
    expect(k6RunTags({ options, argv: ['run'], env: { K6_TAGS: '  ' } })).toEqual(options.tags);
  });

  it('collects every --tag of the command line, splitting each at its first = (options.go l.213–228)', () => {
    expect(cliRunTags(['--tag', 'a=1', 'x.ts', '--tag=b=x=y', '--tag', 'a=2'])).toEqual({
      a: '2',
      b: 'x=y',
    });
    expect(cliRunTags(['run', '-e', 'TAG=x', 'x.ts'])).toBeUndefined();
  });

  it.each([
    [['--tag', '=v'], 'K6_TAG_EMPTY_NAME'],
    [['--tag', 'n='], 'K6_TAG_EMPTY_VALUE'],
    [['--tag', 'n'], 'K6_TAG_EMPTY_VALUE'],
    [['--tag'], 'K6_TAG_MISSING_VALUE'],
  ])('refuses %j as k6 does (parseTagNameValue, options.go l.251–265)', (argv, code) => {
    expect(() => cliRunTags(argv)).toThrow(expect.objectContaining({ code }));
    expect(() => cliRunTags(argv)).toThrow(K6TagError);
  });

  it('refuses a K6_TAGS item that is not name:value (envconfig "invalid map item")', () => {
    expect(() => k6RunTags({ options, argv: [], env: { K6_TAGS: 'a:1,url:http://x' } })).toThrow(
      expect.objectContaining({ code: 'K6_TAGS_INVALID_ITEM' }),
    );
  });
});

describe('which maps a sample carries, by what emits it', () => {
  const start: K6Start = { options, argv: ['run', '--tag', 'testid=t1', 'x.ts'] };
  const vu: K6Emitter = {
    kind: 'vu',
    scenario: 'fib',
    system: { method: 'GET', name: 'http://h/cpu/fib?n=30', status: '200' },
    request: { name: '/cpu/fib' },
  };

  it('a VU: run tags, its scenario’s tags over them, system tags, request tags last (runner.go l.751–761, http/request.go l.366–367)', () => {
    expect(k6SampleTags(start, vu)).toEqual({
      testid: 't1',
      measure: 'true',
      codeTagKey: 'fromScenario',
      group: '',
      scenario: 'fib',
      method: 'GET',
      name: '/cpu/fib',
      status: '200',
    });
  });

  it('vus and vus_max: run tags only (execution/scheduler.go l.201)', () => {
    expect(k6SampleTags(start, { kind: 'engine' })).toEqual({ testid: 't1' });
  });

  it('dropped_iterations: run tags and `scenario`, no scenario tags (base_executor.go l.76–84)', () => {
    expect(k6SampleTags(start, { kind: 'executor', scenario: 'fib' })).toEqual({
      testid: 't1',
      scenario: 'fib',
    });
  });

  it('remote write: k6_ + metric, every tag a label, empty ones skipped (remotewrite/prometheus.go l.26–27)', () => {
    expect(remoteWriteLabels('http_reqs_total', k6SampleTags(start, vu))).toEqual({
      __name__: 'k6_http_reqs_total',
      testid: 't1',
      measure: 'true',
      codeTagKey: 'fromScenario',
      scenario: 'fib',
      method: 'GET',
      name: '/cpu/fib',
      status: '200',
    });
  });
});

describe('an HTTP request’s system tags (k6 v1.0.0 lib/netext/httpext/transport.go)', () => {
  const request = { method: 'GET', url: 'http://h:3001/cpu/fib?n=30' };

  it('url and name: the URL, or both the script’s `name` tag when it sets one (l.87–101)', () => {
    expect(k6HttpSample({ ...request, status: 200 }).system).toMatchObject({
      name: request.url,
      url: request.url,
    });
    expect(
      k6HttpSample({ ...request, status: 200, tags: { name: '/cpu/fib' } }).system,
    ).toMatchObject({ name: '/cpu/fib', url: '/cpu/fib' });
  });

  it.each([
    [200, {}, 'true', 0],
    [302, {}, 'true', 0],
    [404, { error_code: '1404' }, 'false', 1],
    [503, { error_code: '1503' }, 'false', 1],
  ] as const)(
    'status %i: the status, error_code from 400 up, expected_response 200–399 and http_req_failed (l.111–159)',
    (status, errorCode, expected, failed) => {
      const sample = k6HttpSample({ ...request, status });
      expect(sample).toEqual({
        system: {
          name: request.url,
          url: request.url,
          method: 'GET',
          status: String(status),
          ...errorCode,
          proto: 'HTTP/1.1',
          expected_response: expected,
        },
        request: {},
        failed,
      });
    },
  );

  it('each answer a series of its own: a 200 and a 503 of one request differ in their labels', () => {
    const start: K6Start = { options, argv: ['run', 'x.ts'] };
    const labels = (status: number) => {
      const { system, request: tags } = k6HttpSample({ ...request, status, tags: { name: '/x' } });
      return remoteWriteLabels(
        'http_req_failed_rate',
        k6SampleTags(start, { kind: 'vu', scenario: 'fib', system, request: tags }),
      );
    };
    expect(labels(200)).not.toEqual(labels(503));
    expect([labels(200)['status'], labels(503)['status']]).toEqual(['200', '503']);
  });

  it('refuses a request without an answer, which k6 tags by its error instead', () => {
    expect(() => k6HttpSample({ ...request, status: 0 })).toThrow(RangeError);
  });
});

describe('issue 16 replayed: the tags of load-tests/k6/lib/plan.ts under k6’s rules', () => {
  const catalog = parseCatalog(
    JSON.parse(readFileSync(join(__dirname, '../../load-tests/scenarios.json'), 'utf8')),
  );
  const fairness = catalog.scenarios.find((s) => s.id === 'fairness');
  if (!fairness) throw new Error('scenarios.json has no fairness scenario');
  const params = runParams({ BASE_URL: 'http://threads-service:3002', MODEL: 'threads' });
  const fixed = k6Options(fairness, params, { p95Ms: 100, maxFailedRate: 0.01 });
  /** What plan.ts returned before the fix: model and lab_scenario in options.tags only. */
  const beforeTheFix: Options = {
    ...fixed,
    scenarios: Object.fromEntries(
      Object.entries(fixed.scenarios ?? {}).map(([name, s]) => [
        name,
        { ...s, tags: { measure: s.tags?.['measure'] ?? '' } },
      ]),
    ),
  };
  const script = 'load-tests/k6/fairness.ts';
  /** run-all.sh before the fix, and k6 run without any tag. */
  const testidOnly = ['run', '--tag', 'testid=x', script];
  /** run-all.sh, the lab's k6 driver and the k8s TestRuns now. */
  const launcher = [
    'run',
    '--tag',
    'testid=x',
    '--tag',
    'model=threads',
    '--tag',
    'lab_scenario=fairness',
    script,
  ];
  /** The k6-operator appends two run tags of its own to every runner (jobs/runner.go). */
  const operator = [
    ...launcher,
    '--tag',
    'instance_id=1',
    '--tag',
    'testrun_name=k6-fairness-threads',
  ];

  /** Every series one run writes: per stream its HTTP and check series, then vus and drops. */
  function seriesLabels(start: K6Start): Record<string, string>[] {
    const labels: Record<string, string>[] = [];
    for (const stream of fairness?.streams ?? []) {
      const url = `${params.baseUrl}${stream.path}`;
      const system = { method: stream.method, url, name: url, status: '200' };
      const request = { name: routeOf(stream.path) };
      labels.push(
        remoteWriteLabels(
          'http_reqs_total',
          k6SampleTags(start, { kind: 'vu', scenario: stream.name, system, request }),
        ),
      );
      labels.push(
        remoteWriteLabels(
          'checks_rate',
          k6SampleTags(start, {
            kind: 'vu',
            scenario: stream.name,
            system: { check: 'status is 2xx' },
          }),
        ),
      );
      if (stream.rate)
        labels.push(
          remoteWriteLabels(
            'dropped_iterations_total',
            k6SampleTags(start, { kind: 'executor', scenario: stream.name }),
          ),
        );
    }
    labels.push(remoteWriteLabels('vus', k6SampleTags(start, { kind: 'engine' })));
    return labels;
  }
  const lacking = (labels: Record<string, string>[], name: string) =>
    labels.filter((l) => !(name in l)).map((l) => l['__name__']);

  it('negative control — the old plan with --tag testid=x: no series has model (the defect)', () => {
    const labels = seriesLabels({ options: beforeTheFix, argv: testidOnly });
    expect(labels.filter((l) => 'model' in l || 'lab_scenario' in l)).toEqual([]);
    expect(labels.every((l) => l['testid'] === 'x')).toBe(true);
    // Without any --tag the old plan worked, which is why a stand-in that ignored --tag passed.
    expect(
      lacking(seriesLabels({ options: beforeTheFix, argv: ['run', script] }), 'model'),
    ).toEqual([]);
  });

  it('the new plan alone keeps model on VU series, but vus and dropped_iterations need the CLI tags', () => {
    const labels = seriesLabels({ options: fixed, argv: testidOnly });
    expect(lacking(labels, 'model')).toEqual(['k6_dropped_iterations_total', 'k6_vus']);
  });

  it.each([
    ['run-all.sh, the lab, a TestRun', launcher],
    ['the k6-operator’s runners', operator],
  ])('the fix, started by %s: every series has model, lab_scenario, testid', (_who, argv) => {
    const labels = seriesLabels({ options: fixed, argv });
    expect(labels.length).toBe(6); // 2 streams × (requests, checks) + 1 drop counter + vus
    for (const name of ['model', 'lab_scenario', 'testid'])
      expect([name, lacking(labels, name)]).toEqual([name, []]);
    expect(labels.every((l) => l['model'] === 'threads' && l['lab_scenario'] === 'fairness')).toBe(
      true,
    );
    // measure where k6 puts scenario tags: every VU series, not vus nor dropped_iterations.
    expect(lacking(labels, 'measure')).toEqual(['k6_dropped_iterations_total', 'k6_vus']);
    expect(
      labels.filter((l) => l['__name__'] === 'k6_http_reqs_total').map((l) => l['measure']),
    ).toEqual(['false', 'true']);
  });

  it('the fix without any --tag (a plain k6 run): the run tags of options.tags still apply', () => {
    const labels = seriesLabels({ options: fixed, argv: ['run', script] });
    expect(lacking(labels, 'model')).toEqual([]);
    expect(lacking(labels, 'lab_scenario')).toEqual([]);
  });
});
