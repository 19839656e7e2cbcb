/*
 * The metrics table of docs/contract.md as data, and the check that holds a model's `/metrics`
 * text to it. test/contract-metrics.test.ts holds this table to the document.
 */

export type MetricType = 'counter' | 'gauge' | 'histogram';

/** One metric of the contract: its type and the labels its series carry besides `model`. */
export interface ContractMetric {
  /** Unset for the prom-client defaults, whose type the contract does not give. */
  type?: MetricType;
  labels: readonly string[];
  /** The values a label may take, where the contract lists them. */
  values?: Readonly<Record<string, readonly string[]>>;
}

/** docs/contract.md, Metrics: every metric the contract names. */
export const CONTRACT_METRICS: Readonly<Record<string, ContractMetric>> = {
  http_server_request_duration_seconds: {
    type: 'histogram',
    labels: ['method', 'route', 'status_code'],
  },
  http_server_active_requests: { type: 'gauge', labels: [] },
  lab_shed_total: { type: 'counter', labels: ['reason'] },
  lab_pool_queue_size: { type: 'gauge', labels: [] },
  lab_pool_utilization: { type: 'gauge', labels: [] },
  lab_pool_task_wait_seconds: { type: 'histogram', labels: [] },
  lab_pool_task_run_seconds: { type: 'histogram', labels: [] },
  lab_worker_restarts_total: {
    type: 'counter',
    labels: ['kind'],
    values: { kind: ['thread', 'process'] },
  },
  lab_lock_wait_seconds: { type: 'histogram', labels: ['lock'] },
  lab_lock_hold_seconds: { type: 'histogram', labels: ['lock'] },
  lab_queue_size: { type: 'gauge', labels: ['queue'] },
  lab_queue_wait_seconds: { type: 'histogram', labels: ['queue'] },
  lab_eventloop_utilization: { type: 'gauge', labels: [] },
  process_resident_memory_bytes: { labels: [] },
  process_cpu_seconds_total: { labels: [] },
  nodejs_eventloop_lag_p99_seconds: { labels: [] },
  nodejs_heap_size_used_bytes: { labels: [] },
};

/** One sample line of the Prometheus text format: its name and labels. */
interface Series {
  line: string;
  name: string;
  labels: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+\S+/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

function parseSeries(text: string): Series[] {
  const series: Series[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = SAMPLE.exec(line);
    if (!match) {
      series.push({ line, name: '', labels: new Map() });
      continue;
    }
    const labels = new Map<string, string>();
    for (const [, name = '', value = ''] of (match[2] ?? '').matchAll(LABEL))
      labels.set(name, value);
    series.push({ line, name: match[1] ?? '', labels });
  }
  return series;
}

/** The family a sample belongs to: a histogram's `_bucket`, `_sum` and `_count` are its own. */
function familyOf(name: string, types: ReadonlyMap<string, string>): string {
  const histogram = /^(.*)_(bucket|sum|count)$/.exec(name)?.[1];
  return histogram !== undefined && types.get(histogram) === 'histogram' ? histogram : name;
}

/**
 * Why the Prometheus text a model answered on `/metrics` breaks the contract, one reason per
 * fault, or none: each of `families` is there (`# TYPE`) with the contract's type; every series
 * carries `model="<model>"` ("Every series carries `model`"); each series of a contract metric
 * carries that metric's labels (with a listed value, where the contract lists them); and each of
 * `withSeries` has at least one series (else the label check above looked at nothing).
 */
export function metricsViolations(
  text: string,
  options: { model: string; families: readonly string[]; withSeries?: readonly string[] },
): string[] {
  const violations: string[] = [];
  const types = new Map<string, string>();
  for (const [, name = '', type = ''] of text.matchAll(/^# TYPE (\S+) (\S+)$/gm))
    types.set(name, type);
  for (const family of options.families) {
    const type = types.get(family);
    const expected = CONTRACT_METRICS[family]?.type;
    if (type === undefined) violations.push(`${family}: no # TYPE line (not exported)`);
    else if (expected !== undefined && type !== expected)
      violations.push(`${family}: # TYPE ${type}, the contract's is ${expected}`);
  }
  const seen = new Map<string, number>();
  for (const series of parseSeries(text)) {
    if (series.name === '') {
      violations.push(`not a sample line: ${series.line.slice(0, 200)}`);
      continue;
    }
    if (series.labels.get('model') !== options.model)
      violations.push(`no model="${options.model}": ${series.line.slice(0, 200)}`);
    const family = familyOf(series.name, types);
    seen.set(family, (seen.get(family) ?? 0) + 1);
    const metric = CONTRACT_METRICS[family];
    for (const label of metric?.labels ?? []) {
      const value = series.labels.get(label);
      const allowed = metric?.values?.[label];
      if (value === undefined) violations.push(`no ${label} label: ${series.line.slice(0, 200)}`);
      else if (allowed && !allowed.includes(value))
        violations.push(`${label}="${value}", not one of ${allowed.join('|')}: ${series.line}`);
    }
  }
  for (const family of options.withSeries ?? []) {
    if (!seen.has(family)) violations.push(`${family}: no series`);
  }
  return violations;
}
