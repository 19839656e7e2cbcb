import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { buildDashboards, dashboardsDir } from '../dashboards/generate-dashboards';
import { observabilityDir } from '../src/repo-paths';
import { allPanels, panelQueries, readDashboards, substitute } from './support/dashboard-queries';

interface ProvisionedDatasource {
  uid: string;
  type: string;
  url: string;
  jsonData?: { exemplarTraceIdDestinations?: { name: string; datasourceUid: string }[] };
}

const provisioned = (
  parse(
    readFileSync(
      join(observabilityDir(), 'grafana', 'provisioning', 'datasources', 'datasources.yaml'),
      'utf8',
    ),
  ) as { datasources: ProvisionedDatasource[] }
).datasources;
const committed = readDashboards(dashboardsDir());

describe('dashboards as code (Grafana cannot run here: the JSON is checked against its provisioning files)', () => {
  it('regenerate to exactly the committed JSON (run `nx run observability:generate-dashboards` after a change)', () => {
    const built = buildDashboards();
    expect(committed.map((c) => c.file)).toEqual([...built.keys()].sort());
    for (const { file, dashboard } of committed) {
      // Through JSON like the committed file, so `undefined` fields compare as absent.
      expect({ file, dashboard }).toEqual({
        file,
        dashboard: JSON.parse(JSON.stringify(built.get(file))),
      });
    }
  });

  it('include the two dashboards the README promises', () => {
    expect(committed.map((c) => c.dashboard.title).sort()).toEqual([
      'Concurrency models side by side',
      'k6 results by model',
    ]);
  });

  it.each(committed)(
    '$file: every panel, query and variable names a provisioned datasource uid of the right type',
    ({ dashboard }) => {
      const byUid = new Map(provisioned.map((d) => [d.uid, d.type]));
      const refs = [
        ...allPanels(dashboard)
          .filter((p) => p.type !== 'row')
          .flatMap((p) => [
            { where: `panel ${p.title}`, ref: p.datasource },
            ...(p.targets ?? []).map((t) => ({
              where: `panel ${p.title} query ${t.refId}`,
              ref: t.datasource,
            })),
          ]),
        ...(dashboard.templating?.list ?? []).map((v) => ({
          where: `variable ${v.name}`,
          ref: v.datasource,
        })),
      ];
      expect(refs.length).toBeGreaterThan(10);
      const wrong = refs.filter(({ ref }) => !ref?.uid || byUid.get(ref.uid) !== ref.type);
      expect(wrong).toEqual([]);
    },
  );

  it.each(committed)('$file: panel ids are unique and every panel has a query', ({ dashboard }) => {
    const panels = allPanels(dashboard);
    const ids = panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    const empty = panels
      .filter((p) => p.type !== 'row' && (p.targets ?? []).length === 0)
      .map((p) => p.title);
    expect(empty).toEqual([]);
  });

  it('side by side: every request-latency panel shows exemplars, and the exemplar link points at the provisioned Jaeger', () => {
    const dashboard = committed.find((c) => c.dashboard.uid === 'concurrency-models')?.dashboard;
    // Exemplars are points on a time series; the first row's bar gauges have none to show.
    const latency = allPanels(dashboard ?? { uid: '', title: '', panels: [] }).filter(
      (p) =>
        p.type === 'timeseries' &&
        (p.targets ?? []).some((t) =>
          t.expr?.includes('http_server_request_duration_seconds_bucket'),
        ),
    );
    expect(latency.map((p) => p.title)).toEqual(['Latency p50', 'Latency p95', 'Latency p99']);
    for (const panel of latency) {
      expect((panel.targets as { exemplar?: boolean }[]).every((t) => t.exemplar === true)).toBe(
        true,
      );
    }
    const prometheus = provisioned.find((d) => d.type === 'prometheus');
    const destinations = prometheus?.jsonData?.exemplarTraceIdDestinations ?? [];
    expect(
      destinations.map((d) => [d.name, provisioned.find((p) => p.uid === d.datasourceUid)?.type]),
    ).toEqual([['trace_id', 'jaeger']]);
  });

  it('side by side: charts every metric family the issue asks for', () => {
    const exprs = committed
      .flatMap((c) => panelQueries(c.dashboard))
      .map((q) => q.expr)
      .join('\n');
    const families = [
      'http_server_request_duration_seconds_count',
      'http_server_request_duration_seconds_bucket',
      'process_resident_memory_bytes',
      'nodejs_heap_size_used_bytes',
      'process_cpu_seconds_total',
      'nodejs_eventloop_lag_p99_seconds',
      'lab_eventloop_utilization',
      'lab_pool_queue_size',
      'lab_pool_utilization',
      'lab_lock_wait_seconds',
      'lab_lock_hold_seconds',
      'lab_queue_size',
      'lab_queue_wait_seconds',
      'lab_shed_total',
      'lab_worker_restarts_total',
      'k6_http_reqs_total',
      'k6_http_req_duration_p95',
    ];
    expect(families.filter((f) => !exprs.includes(f))).toEqual([]);
    for (const q of ['0.5', '0.95', '0.99'])
      expect(exprs).toContain(`histogram_quantile(${q}, sum by (model, le)`);
  });
});

// The e2e layer runs every panel's query through `substitute` against a real Prometheus; a query
// with a misspelt variable must fail there by name, never reach Prometheus with the typo in it.
describe('substitute, the interpolation the e2e dashboard queries go through', () => {
  const variables = { model: '.*' };
  const rate = 'rate(http_server_request_duration_seconds_count{model=~"VAR"}[$__rate_interval])';

  it.each([
    [
      'a bare variable',
      rate.replace('VAR', '$model'),
      'rate(http_server_request_duration_seconds_count{model=~".*"}[1m])',
    ],
    [
      'a braced variable',
      rate.replace('VAR', '${model}'),
      'rate(http_server_request_duration_seconds_count{model=~".*"}[1m])',
    ],
    ['the range', 'increase(lab_shed_total[$__range])', 'increase(lab_shed_total[10m])'],
  ])('fills in %s', (_, expr, expected) => {
    expect(substitute(expr, variables, '1m')).toBe(expected);
  });

  it.each([
    ['a bare variable', '$modle'],
    ['a braced variable', '${modle}'],
    ['a built-in Grafana has and these dashboards do not use', '$__interval'],
  ])('refuses an unknown one, naming it: %s', (_, name) => {
    const expr = rate.replace('VAR', name);
    expect(() => substitute(expr, variables, '1m')).toThrow(
      `\`${name}\` in \`${expr}\` is not a dashboard variable`,
    );
  });
});
