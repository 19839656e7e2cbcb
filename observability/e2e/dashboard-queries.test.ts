/**
 * Every PromQL expression of every committed dashboard, run through a real Prometheus that
 * scrapes every real model service with the repository's prometheus.yml (targets rewritten
 * to localhost, 1 s scrapes) after real load. A panel that shows "No data" for a model fails
 * here — misspelled metric, wrong label, a metric a service stopped exporting.
 */
import { MODEL_NAMES, MODELS } from '@concurrency-lab/models';
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parse } from 'yaml';
import { dashboardsDir } from '../dashboards/generate-dashboards';
import { startLocalStack, type LocalStack } from '../src/local-stack';
import { PROMETHEUS_TOOL } from '../src/prometheus-process';
import { machineToolOrSkip } from '@concurrency-lab/launcher/testing';
import {
  allValues,
  panelQueries,
  parseLabelValues,
  readDashboards,
  substitute,
  type DashboardJson,
} from '../test/support/dashboard-queries';
import {
  recordRunAll,
  STAND_IN_ANSWERS,
  STAND_IN_FAILED_SHARE,
  startK6StandIn,
} from './support/k6-stand-in';
import { driveLoad, startTrickle, type StatusCounts } from './support/load';
import { ADMISSION_OFF } from '@concurrency-lab/launcher';
import { until } from '@concurrency-lab/launcher/testing';
import {
  instantQuery,
  labelValues,
  modelsWithData,
  type InstantSample,
} from './support/prometheus-api';

/**
 * Metrics that, by the contract, only some models have — read from the model registry: pool
 * metrics belong to models with a pool; worker restarts to models with workers to restart
 * (async is one process with no workers). Everything else: every model.
 */
const ONLY_FOR: { family: RegExp; models: readonly string[] }[] = [
  { family: /\blab_pool_/, models: MODELS.filter((m) => m.pool).map((m) => m.model) },
  {
    family: /\blab_worker_restarts_total\b/,
    models: MODELS.filter((m) => m.restarts.length > 0).map((m) => m.model),
  },
];

/** $__rate_interval here: Grafana gives ≥ 4 scrape intervals; 10 s of 1 s scrapes is plenty. */
const RATE_INTERVAL = '10s';

/** Where each dashboard's data comes from, for the test names. */
const SOURCE: Record<string, string> = {
  'k6-results':
    'k6 cannot run here (no binary): the real run-all.sh starts a stand-in that pushes, by k6’s tag rules, through the real receiver',
};

const dashboards = readDashboards(dashboardsDir()).map(({ file, dashboard }) => ({
  file,
  dashboard,
  source: SOURCE[dashboard.uid] ?? 'scraped from the running model services',
}));

interface Miss {
  panel: string;
  refId: string;
  model: string;
  expr: string;
}

/**
 * The real Prometheus, or why this file is skipped (a machine without it: see
 * machineToolOrSkip).
 */
const PROMETHEUS = machineToolOrSkip(PROMETHEUS_TOOL);
const describeWithPrometheus = 'path' in PROMETHEUS ? describe : describe.skip;

describeWithPrometheus('dashboards against a real Prometheus scraping the real services', () => {
  let stack: LocalStack | undefined;
  let trickle: { stop(): Promise<void> } | undefined;
  let k6: { stop(): Promise<void> } | undefined;
  const load = new Map<string, StatusCounts>();
  let models: string[] = [];
  let prometheusUrl = '';
  let k6Env: Record<string, string> = {};
  let k6Invocations: string[][] = [];

  beforeAll(async () => {
    if (!('path' in PROMETHEUS)) return;
    const binary = PROMETHEUS.path;
    // MAX_QUEUE=4 so that a burst of 24 slow requests is partly shed (lab_shed_total, 503s).
    // Event-loop admission off: on busy cores it refused async's one bad request with 503 before
    // its 400 — the answers counted below are the queue bound's and the routes' own.
    stack = await startLocalStack({
      prometheus: { binary },
      scrapeInterval: '1s',
      modelEnv: { WORKERS: '2', MAX_QUEUE: '4', ...ADMISSION_OFF },
    });
    prometheusUrl = stack.prometheus?.url ?? '';
    models = stack.models.map((m) => m.model);
    await Promise.all(
      stack.models.map(async (m) => load.set(m.model, await driveLoad(m.service.url, 24))),
    );
    trickle = startTrickle(stack.models.map((m) => m.service.url));
    k6Env = k6ServiceEnv(
      stack.models.map((m) => `${m.model}=${m.service.url}`).join(' '),
      `${prometheusUrl}/api/v1/write`,
    );
    k6Invocations = await recordRunAll(k6Env);
    k6 = await startK6StandIn(k6Invocations, k6Env);
    // Ready when every model's sheds and fresh request rates have been scraped.
    await until(
      async () => {
        const withData = await Promise.all(
          [
            'lab_shed_total',
            `rate(http_server_request_duration_seconds_count[${RATE_INTERVAL}]) > 0`,
            `rate(lab_lock_wait_seconds_count[${RATE_INTERVAL}]) > 0`,
            `rate(lab_queue_wait_seconds_count[${RATE_INTERVAL}]) > 0`,
          ].map(async (query) => modelsWithData(await instantQuery(prometheusUrl, query))),
        );
        return models.every((m) => withData.every((seen) => seen.has(m)));
      },
      {
        what: "Prometheus to scrape every model's load",
        timeoutMs: 20_000,
        everyMs: 250,
        detail: () => `Prometheus said:\n${stack?.prometheus?.output()}`,
      },
    );
  }, 60_000);

  afterAll(async () => {
    // Each stop is awaited even if an earlier one throws: nothing may outlive the test.
    const results = await Promise.allSettled([k6?.stop(), trickle?.stop()]);
    await stack?.stop();
    for (const r of results) if (r.status === 'rejected') throw r.reason;
  }, 30_000);

  it('drove every model: 2xx answers, one 400, one 404, and 503 sheds from the burst', () => {
    expect([...models].sort()).toEqual([...MODEL_NAMES].sort());
    for (const model of models) {
      const counts = load.get(model) ?? {};
      expect({ model, ok: (counts['200'] ?? 0) > 30, shed: (counts['503'] ?? 0) > 0 }).toEqual({
        model,
        ok: true,
        shed: true,
      });
      expect({ model, 400: counts['400'], 404: counts['404'] }).toEqual({ model, 400: 1, 404: 1 });
    }
  });

  it("scrapes every job of the repository's prometheus.yml, rewritten to localhost", async () => {
    expect(stack?.prometheusConfig).toMatch(/127\.0\.0\.1:\d+/);
    expect(stack?.prometheusConfig).not.toMatch(/-service:\d+/);
    const up = await instantQuery(prometheusUrl, 'up');
    expect(Object.fromEntries(up.map((s) => [s.metric['job'], s.value[1]]))).toEqual(
      Object.fromEntries(MODELS.map((m) => [m.app, '1'])),
    );
  });

  it('run-all.sh started k6 once per scenario and model, in the catalog’s order, its tags on the command line', () => {
    const scenarioOf = (argv: string[]) => basename(argv.at(-1) ?? '', '.ts');
    const ids = (
      JSON.parse(
        readFileSync(join(__dirname, '..', '..', 'load-tests', 'scenarios.json'), 'utf8'),
      ) as { scenarios: { id: string }[] }
    ).scenarios.map((s) => s.id);
    expect(ids.length).toBeGreaterThanOrEqual(7);
    // Each model's runs in scenarios.json's order (`io` first, on fresh services), not the
    // scripts' file-name order.
    expect(ids[0]).toBe('io');
    expect(k6Invocations.map(scenarioOf)).toEqual(models.flatMap(() => ids));
    expect(k6Invocations.length).toBe(ids.length * models.length);
    for (const argv of k6Invocations) {
      const model = argv.find((arg) => arg.startsWith('MODEL='))?.slice('MODEL='.length);
      const tags = argv.filter((_, i) => argv[i - 1] === '--tag');
      expect(tags).toEqual([
        'testid=integration-test',
        `model=${model}`,
        `lab_scenario=${scenarioOf(argv)}`,
      ]);
    }
  });

  it('every k6 series carries model, lab_scenario and testid; every VU series measure', async () => {
    const all = await instantQuery(prometheusUrl, '{__name__=~"k6_.+"}');
    expect(all.length).toBeGreaterThan(100);
    const lacking = (label: string, metrics = 'k6_.+') =>
      instantQuery(prometheusUrl, `{__name__=~"${metrics}", ${label}=""}`).then((samples) => ({
        label,
        lacking: samples.map((s) => s.metric['__name__']),
      }));
    for (const label of ['model', 'lab_scenario', 'testid'])
      expect(await lacking(label)).toEqual({ label, lacking: [] });
    expect(await lacking('measure', 'k6_(http_req.+|checks_rate)')).toEqual({
      label: 'measure',
      lacking: [],
    });
  });

  describe('k6-results.json shows what k6 measured, though k6 writes one series per answer status', () => {
    const k6Results = dashboards.find((d) => d.dashboard.uid === 'k6-results')?.dashboard;
    /** The value each model gets from the panel whose title starts with `title`. */
    const panelValues = async (title: string) => {
      if (!k6Results) throw new Error('no k6-results dashboard');
      const queries = panelQueries(k6Results).filter((q) => q.panel.startsWith(title));
      expect(queries.map((q) => q.panel)).toHaveLength(1);
      const expr = substitute(queries[0]?.expr ?? '', allValues(k6Results), RATE_INTERVAL);
      return byModel(await instantQuery(prometheusUrl, expr));
    };
    const everyModel = (value: unknown) => Object.fromEntries(models.map((m) => [m, value]));

    it('the stand-in wrote k6’s split: per status its own counter and an all-or-nothing failed rate', async () => {
      const rates = await instantQuery(
        prometheusUrl,
        'max by (status, expected_response, error_code) (k6_http_req_failed_rate)',
      );
      const byStatus = (r: InstantSample) => Number(r.metric['status']);
      expect(
        rates.sort((a, b) => byStatus(a) - byStatus(b)).map((r) => [r.metric, Number(r.value[1])]),
      ).toEqual([
        [{ status: '200', expected_response: 'true' }, 0],
        [{ status: '503', expected_response: 'false', error_code: '1503' }, 1],
        [{ status: '504', expected_response: 'false', error_code: '1504' }, 1],
      ]);
      expect(STAND_IN_FAILED_SHARE).toBeCloseTo(0.02, 10);
    });

    it('Failed requests: each model’s share of failed requests (2 %), from the counter', async () => {
      expect(await panelValues('Failed requests')).toEqual(
        everyModel(expect.closeTo(STAND_IN_FAILED_SHARE, 6)),
      );
    });

    it('negative control: the rate by series, as the panel read it before, shows 100 % for every model', async () => {
      const before = `max by (model) (k6_http_req_failed_rate{measure="true"})`;
      expect(byModel(await instantQuery(prometheusUrl, before))).toEqual(everyModel(1));
    });

    it.each(['p50', 'p95', 'p99'])(
      'Duration %s: the successful requests’ (the 200s), not the deadlines’',
      async (stat) => {
        const of200s = byModel(
          await instantQuery(
            prometheusUrl,
            `max by (model) (k6_http_req_duration_${stat}{measure="true", status="200"})`,
          ),
        );
        const deadline = STAND_IN_ANSWERS.find((a) => a.status === 504)?.durationS(0, 0);
        expect(Object.values(of200s).every((v) => v < (deadline ?? 0))).toBe(true);
        expect(await panelValues(`Duration ${stat}`)).toEqual(of200s);
        expect(Object.keys(of200s).sort()).toEqual([...models].sort());
      },
    );
  });

  it('checks both committed dashboards, each with its queries', () => {
    expect(dashboards.map((d) => d.file)).toEqual(['concurrency-models.json', 'k6-results.json']);
    for (const { dashboard } of dashboards)
      expect(panelQueries(dashboard).length).toBeGreaterThan(5);
  });

  describe.each(dashboards)('$file ($source)', ({ dashboard }) => {
    const expectedModels = (expr: string) => {
      const only = ONLY_FOR.find((o) => o.family.test(expr));
      return only ? models.filter((m) => only.models.includes(m)) : models;
    };

    it('every template variable lists every model (model) or at least one value', async () => {
      const variables = allValues(dashboard);
      for (const variable of dashboard.templating?.list ?? []) {
        const { selector, label } = parseLabelValues(variable.query ?? '');
        const values = await labelValues(
          prometheusUrl,
          label,
          substitute(selector, variables, RATE_INTERVAL),
        );
        if (label === 'model')
          expect({ variable: variable.name, values: values.sort() }).toEqual({
            variable: variable.name,
            values: [...models].sort(),
          });
        else
          expect({ variable: variable.name, some: values.length > 0 }).toEqual({
            variable: variable.name,
            some: true,
          });
      }
    });

    it('every panel expression returns data for every model (with $variables on All)', async () => {
      // A quantile panel has data for a model only while its series moved within the rate
      // window, and on busy cores one trickle request can stall for seconds (CI once saw
      // 'Lock hold p95' empty for two process models: an increment held the lock across the
      // whole window). So a miss counts only if it lasts: asked again until none is left, for
      // two windows. A panel that reads a misspelled or unexported series never fills.
      let misses: Miss[] = [];
      await until(
        async () =>
          (misses = await collectMisses(dashboard, allValues(dashboard), expectedModels)).length ===
          0,
        { what: 'every panel to have data', timeoutMs: 20_000, everyMs: 1_000 },
      ).catch(() => undefined); // the lasting misses are asserted below, shown in full
      expect(misses).toEqual([]);
    }, 40_000);

    it('selecting one model narrows every panel to that model', async () => {
      for (const model of models) {
        for (const query of panelQueries(dashboard)) {
          const expr = substitute(query.expr, { ...allValues(dashboard), model }, RATE_INTERVAL);
          const others = [...modelsWithData(await instantQuery(prometheusUrl, expr))].filter(
            (m) => m !== model,
          );
          expect({ panel: query.panel, model, others }).toEqual({
            panel: query.panel,
            model,
            others: [],
          });
        }
      }
    });
  });

  async function collectMisses(
    dashboard: DashboardJson,
    variables: Record<string, string>,
    expectedModels: (expr: string) => string[],
  ): Promise<Miss[]> {
    const misses: Miss[] = [];
    for (const query of panelQueries(dashboard)) {
      const expr = substitute(query.expr, variables, RATE_INTERVAL);
      const have = modelsWithData(await instantQuery(prometheusUrl, expr));
      for (const model of expectedModels(expr)) {
        if (!have.has(model)) misses.push({ panel: query.panel, refId: query.refId, model, expr });
      }
    }
    return misses;
  }
});

/** model → the sample's value, for samples that carry a model. */
function byModel(samples: InstantSample[]): Record<string, number> {
  return Object.fromEntries(
    samples
      .filter((s) => s.metric['model'] !== undefined)
      .map((s) => [s.metric['model'] as string, Number(s.value[1])]),
  );
}

/**
 * The environment docker-compose.yml gives its k6 service (which runs run-all.sh), with the
 * targets and the remote-write URL of this local stack.
 */
function k6ServiceEnv(targets: string, remoteWriteUrl: string): Record<string, string> {
  const compose = parse(readFileSync(join(__dirname, '..', '..', 'docker-compose.yml'), 'utf8'), {
    merge: true,
  }) as { services: Record<string, { environment?: Record<string, string> }> };
  // Compose interpolates `${NAME:-default}`; none of those names is set here.
  const environment = Object.entries(compose.services['k6']?.environment ?? {}).map(
    ([name, value]): [string, string] => [name, value.replace(/\$\{\w+:-([^}]*)\}/g, '$1')],
  );
  return {
    ...Object.fromEntries(environment),
    LAB_TARGETS: targets,
    K6_PROMETHEUS_RW_SERVER_URL: remoteWriteUrl,
    TESTID: 'integration-test',
  };
}
