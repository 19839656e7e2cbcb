import { RowBuilder, type Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { dashboard, labelVariable, timeseries } from './panel-kit';

export const K6_RESULTS_UID = 'k6-results';

/**
 * Series names are those of k6's `experimental-prometheus-rw` output with
 * K6_PROMETHEUS_RW_TREND_STATS=p(50),p(95),p(99),avg,max (docker-compose.yml sets it): counters
 * end in `_total`, rates in `_rate`, each trend stat becomes its own gauge (`_p95`, in seconds)
 * (k6 v1.0.0 internal/output/prometheusrw/remotewrite/remotewrite.go, `MapPrompb`).
 * The labels are the tags the load-tests scripts set: `model`, `lab_scenario`, `measure` (the
 * stream whose figures are the scenario's), k6's `scenario` (= the stream) and `testid` per run.
 *
 * k6 also tags every HTTP sample with the answer — `status`, `expected_response`, `error_code`
 * (lib/netext/httpext/transport.go, `measureAndEmitMetrics`) — so each status is a series of its
 * own, and the output computes a Rate or a trend stat per series, since the run began: the
 * `http_req_failed` rate of the 200s is always 0, of the 503s always 1. The share of failures is
 * therefore computed from the request counter, and the latency is that of successful requests.
 */
const SELECTED = 'model=~"$model", lab_scenario=~"$scenario", testid=~"$testid"';
const RUN = `{${SELECTED}}`;
const MEASURED = `{${SELECTED}, measure="true"}`;
const MEASURED_FAILED = `{${SELECTED}, measure="true", expected_response="false"}`;
const MEASURED_SUCCEEDED = `{${SELECTED}, measure="true", expected_response="true"}`;

/** Requests per second of the measured stream, per model, among `selector`'s. */
const measuredRate = (selector: string) =>
  `sum by (model) (rate(k6_http_reqs_total${selector}[$__rate_interval]))`;

const duration = (stat: string, title: string) =>
  timeseries({
    title: `${title} (successful requests)`,
    description: `k6's ${stat} of http_req_duration for the measured stream's successful requests (2xx/3xx, k6's expected_response), as the client saw them (queueing in the service included), since the run began. Sheds and deadlines are left out: their latency is the service refusing or giving up, not serving.`,
    unit: 's',
    queries: [
      {
        expr: `max by (model) (k6_http_req_duration_${stat}${MEASURED_SUCCEEDED})`,
        legend: '{{model}}',
      },
    ],
  });

/** The k6 runs (docker compose --profile load) per model, side by side. */
export function k6ResultsDashboard(): Dashboard {
  return dashboard({
    title: 'k6 results by model',
    uid: K6_RESULTS_UID,
    description:
      'What k6 measured from outside: the same scenarios (load-tests/scenarios.json) against every model.',
    tags: ['k6'],
    from: 'now-1h',
  })
    .withVariable(labelVariable('model', 'model', 'k6_http_reqs_total', 'Model'))
    .withVariable(
      labelVariable('scenario', 'lab_scenario', 'k6_http_reqs_total{model=~"$model"}', 'Scenario'),
    )
    .withVariable(labelVariable('testid', 'testid', 'k6_http_reqs_total{model=~"$model"}', 'Run'))

    .withRow(new RowBuilder('Throughput and failures'))
    .withPanel(
      timeseries({
        title: 'Requests per second',
        description: 'Requests k6 completed per second on the measured stream.',
        unit: 'reqps',
        queries: [{ expr: measuredRate(MEASURED), legend: '{{model}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Failed requests',
        description:
          'Share of the measured stream’s requests k6 counted as failed (non-2xx/3xx or no answer): sheds (503) and deadlines (504) included. From the request counter split by expected_response; 0 when none failed.',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [
          {
            // `or … * 0`: no failed series in the window is a share of 0, not "No data".
            expr: `(${measuredRate(MEASURED_FAILED)} or ${measuredRate(MEASURED)} * 0) / ${measuredRate(MEASURED)}`,
            legend: '{{model}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Dropped iterations per second',
        description:
          'Arrivals the open model could not send because every VU (connection) was busy: the load the service did not keep up with.',
        unit: 'short',
        queries: [
          {
            expr: `sum by (model, scenario) (rate(k6_dropped_iterations_total${RUN}[$__rate_interval]))`,
            legend: '{{model}} {{scenario}}',
          },
        ],
      }),
    )

    .withRow(new RowBuilder('Latency seen by the client'))
    .withPanel(duration('p50', 'Duration p50'))
    .withPanel(duration('p95', 'Duration p95'))
    .withPanel(duration('p99', 'Duration p99'))

    .withRow(new RowBuilder('Load generator'))
    .withPanel(
      timeseries({
        title: 'Virtual users',
        description:
          "VUs k6 had busy: with constant-arrival-rate it grows toward the stream's connections when answers slow down.",
        unit: 'short',
        span: 12,
        queries: [{ expr: `sum by (model) (k6_vus${RUN})`, legend: '{{model}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Checks passed',
        description: "Share of responses that passed the scripts' checks (a 2xx status).",
        unit: 'percentunit',
        span: 12,
        min: 0,
        max: 1,
        queries: [{ expr: `min by (model) (k6_checks_rate${MEASURED})`, legend: '{{model}}' }],
      }),
    )
    .build();
}
