import {
  DashboardBuilder,
  DashboardCursorSync,
  RowBuilder,
  type Dashboard,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { barGauge, labelVariable, quantile, timeseries } from './panel-kit';

export const CONCURRENCY_MODELS_UID = 'concurrency-models';

/** Every series carries `model` (the services set it); `$model` narrows the comparison. */
const M = '{model=~"$model"}';
/** Request metrics can also be narrowed to one route template (`/cpu/fib` …). */
const R = '{model=~"$model", route=~"$route"}';
const R5XX = '{model=~"$model", route=~"$route", status_code=~"5.."}';
const REQUESTS = 'http_server_request_duration_seconds';

const latency = (q: number, title: string) =>
  timeseries({
    title,
    description: `${Math.round(q * 100)}th percentile of request duration per model, from the service's own histogram (buckets 1 ms … 30 s). Dots are exemplars: click one to open that request's trace in Jaeger.`,
    unit: 's',
    queries: [{ expr: quantile(q, REQUESTS, R, ['model']), legend: '{{model}}', exemplar: true }],
  });

/**
 * "Concurrency models side by side": the same panels for every model, one line per model, so
 * the lesson of a scenario (one loop blocks, threads queue, processes cost memory) is visible at
 * a glance. Rows follow the question a reader asks: how fast, at what cost, where did it wait.
 */
export function concurrencyModelsDashboard(): Dashboard {
  return new DashboardBuilder('Concurrency models side by side')
    .uid(CONCURRENCY_MODELS_UID)
    .description(
      'async (one event loop), threads (worker_threads pool) and cluster (processes) serving the same contract, measured by the same metrics.',
    )
    .tags(['concurrency-lab'])
    .editable()
    .tooltip(DashboardCursorSync.Crosshair)
    .refresh('5s')
    .time({ from: 'now-15m', to: 'now' })
    .timezone('browser')
    .withVariable(labelVariable('model', 'model', 'process_resident_memory_bytes', 'Model'))
    .withVariable(labelVariable('route', 'route', `${REQUESTS}_count${M}`, 'Route'))

    .withRow(new RowBuilder('At a glance: each model over the time range'))
    .withPanel(
      barGauge({
        title: 'Requests per second',
        description:
          'Answered requests per second per model, averaged over the whole time range picked above (every status).',
        unit: 'reqps',
        min: 0,
        query: {
          expr: `sum by (model) (rate(${REQUESTS}_count${R}[$__range]))`,
          legend: '{{model}}',
        },
      }),
    )
    .withPanel(
      barGauge({
        title: 'Latency p99',
        description:
          '99th percentile of request duration per model over the whole time range, from the service histograms.',
        unit: 's',
        min: 0,
        query: { expr: quantile(0.99, REQUESTS, R, ['model'], '$__range'), legend: '{{model}}' },
      }),
    )
    .withPanel(
      barGauge({
        title: 'Peak resident memory',
        description:
          'Highest RSS per model over the time range (for cluster, hybrid and procpool the sum over their processes).',
        unit: 'bytes',
        min: 0,
        query: {
          expr: `max_over_time((sum by (model) (process_resident_memory_bytes${M}))[$__range:])`,
          legend: '{{model}}',
        },
      }),
    )
    .withPanel(
      barGauge({
        title: 'CPU (cores busy)',
        description:
          'CPU seconds per second per model, averaged over the time range: 1 = one core fully busy.',
        unit: 'short',
        min: 0,
        query: {
          expr: `sum by (model) (rate(process_cpu_seconds_total${M}[$__range]))`,
          legend: '{{model}}',
        },
      }),
    )

    .withRow(new RowBuilder('Throughput and latency'))
    .withPanel(
      timeseries({
        title: 'Requests per second',
        description: 'Answered requests per second per model, every status included.',
        unit: 'reqps',
        queries: [
          {
            expr: `sum by (model) (rate(${REQUESTS}_count${R}[$__rate_interval]))`,
            legend: '{{model}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Error rate (5xx share)',
        description:
          'Share of answers with a 5xx status: 503 sheds, 504 deadlines, 500/502 failures. A model without any 5xx shows 0 rather than "no data".',
        unit: 'percentunit',
        min: 0,
        queries: [
          {
            // `or 0 * …` fills in 0 for a model that answered but had no 5xx at all.
            expr: `(sum by (model) (rate(${REQUESTS}_count${R5XX}[$__rate_interval])) or 0 * sum by (model) (rate(${REQUESTS}_count${R}[$__rate_interval]))) / sum by (model) (rate(${REQUESTS}_count${R}[$__rate_interval]))`,
            legend: '{{model}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Requests in flight',
        description: 'Requests being served right now (admitted, not yet answered).',
        unit: 'short',
        queries: [
          { expr: `sum by (model) (http_server_active_requests${M})`, legend: '{{model}}' },
        ],
      }),
    )
    .withPanel(latency(0.5, 'Latency p50'))
    .withPanel(latency(0.95, 'Latency p95'))
    .withPanel(latency(0.99, 'Latency p99'))

    .withRow(new RowBuilder('Cost: memory and CPU'))
    .withPanel(
      timeseries({
        title: 'Resident memory (RSS)',
        description:
          'Resident set size. For cluster it is the sum over every process: the price of processes.',
        unit: 'bytes',
        queries: [
          { expr: `sum by (model) (process_resident_memory_bytes${M})`, legend: '{{model}}' },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'JS heap used',
        description:
          "V8 heap in use (the main thread's for threads; summed over processes for cluster).",
        unit: 'bytes',
        queries: [
          { expr: `sum by (model) (nodejs_heap_size_used_bytes${M})`, legend: '{{model}}' },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'CPU (cores busy)',
        description:
          'CPU seconds per second: 1 = one core fully busy. One event loop cannot pass 1 for long.',
        unit: 'short',
        min: 0,
        queries: [
          {
            expr: `sum by (model) (rate(process_cpu_seconds_total${M}[$__rate_interval]))`,
            legend: '{{model}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Event-loop lag p99',
        description:
          'How late timers fire on the main loop: CPU work inline (async, cluster) shows up here.',
        unit: 's',
        queries: [
          { expr: `max by (model) (nodejs_eventloop_lag_p99_seconds${M})`, legend: '{{model}}' },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Event-loop utilization',
        description:
          'Share of time the event loop was busy between scrapes (mean over processes for cluster).',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: `avg by (model) (lab_eventloop_utilization${M})`, legend: '{{model}}' }],
      }),
    )

    .withRow(new RowBuilder('Pools, sheds and restarts'))
    .withPanel(
      timeseries({
        title: 'Pool queue',
        description:
          'Tasks waiting for a pool worker (models with a pool only: the others run CPU work inline).',
        unit: 'short',
        queries: [{ expr: `sum by (model) (lab_pool_queue_size${M})`, legend: '{{model}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Pool utilization',
        description: 'Share of pool workers busy (models with a pool only).',
        unit: 'percentunit',
        min: 0,
        max: 1,
        queries: [{ expr: `avg by (model) (lab_pool_utilization${M})`, legend: '{{model}}' }],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Pool task wait and run p95',
        description:
          'Time a task waited for a pool worker vs. ran on it (models with a pool only).',
        unit: 's',
        queries: [
          {
            expr: quantile(0.95, 'lab_pool_task_wait_seconds', M, ['model']),
            legend: '{{model}} wait',
          },
          {
            expr: quantile(0.95, 'lab_pool_task_run_seconds', M, ['model']),
            legend: '{{model}} run',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Sheds per second',
        description:
          'Requests refused with 503 because a bound was reached, by reason (queue_full, shutting_down, …).',
        unit: 'reqps',
        span: 12,
        queries: [
          {
            expr: `sum by (model, reason) (rate(lab_shed_total${M}[$__rate_interval]))`,
            legend: '{{model}} {{reason}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Worker restarts',
        description:
          'Threads or processes replaced (crash, or a thread terminated to cancel its task). async has no workers.',
        unit: 'short',
        span: 12,
        queries: [
          {
            expr: `sum by (model, kind) (increase(lab_worker_restarts_total${M}[$__rate_interval]))`,
            legend: '{{model}} {{kind}}',
          },
        ],
      }),
    )

    .withRow(new RowBuilder('Locks and queues'))
    .withPanel(
      timeseries({
        title: 'Lock wait p95',
        description: 'Time spent waiting to acquire a lock, per lock. Contention shows here first.',
        unit: 's',
        span: 6,
        queries: [
          {
            expr: quantile(0.95, 'lab_lock_wait_seconds', M, ['model', 'lock']),
            legend: '{{model}} {{lock}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Lock hold p95',
        description: 'Time a lock was held once acquired: long holds make everyone else wait.',
        unit: 's',
        span: 6,
        queries: [
          {
            expr: quantile(0.95, 'lab_lock_hold_seconds', M, ['model', 'lock']),
            legend: '{{model}} {{lock}}',
          },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Queue size',
        description: 'Items waiting in each bounded queue.',
        unit: 'short',
        span: 6,
        queries: [
          { expr: `sum by (model, queue) (lab_queue_size${M})`, legend: '{{model}} {{queue}}' },
        ],
      }),
    )
    .withPanel(
      timeseries({
        title: 'Queue wait p95',
        description: 'Time an item waited in its queue before a consumer took it.',
        unit: 's',
        span: 6,
        queries: [
          {
            expr: quantile(0.95, 'lab_queue_wait_seconds', M, ['model', 'queue']),
            legend: '{{model}} {{queue}}',
          },
        ],
      }),
    )
    .build();
}
