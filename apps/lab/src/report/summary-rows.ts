import { NO_FIGURE } from '@concurrency-lab/report-kit';
import { fixed, fixedOrDash, latencyOrDash, mib } from './format';
import type { Report } from './report-schema';

export const SUMMARY_HEADER = [
  'scenario',
  'model',
  'req/s',
  'vs best',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'failed',
  'not sent (over rate)',
  'RSS peak MiB',
  'CPU %',
  'loop lag p99 ms',
];

/** Under every summary table: what the two counts mean (a newcomer reads "dropped" as failures). */
export const SUMMARY_NOTE =
  'failed: non-2xx answers, connection errors and timeouts. not sent (over rate): requests the fixed arrival rate called for while every connection was still waiting for an answer — the model was saturated; by design in saturation scenarios, not failures.';

/** One row per scenario × model: the table printed at the end, in report.md and in index.html. */
export function summaryRows(report: Report): string[][] {
  return report.scenarios.flatMap((scenario) => {
    const top = Math.max(...scenario.results.map((r) => r.summary.rps), 1e-9);
    return scenario.results.map((r) => [
      scenario.id,
      r.model,
      fixed(r.summary.rps),
      `${(r.summary.rps / top).toFixed(2)}×`,
      // No answer, no latency: a dash, as the verdict leaves the model out (hasAnswers).
      latencyOrDash(r.summary, r.summary.p50Ms),
      latencyOrDash(r.summary, r.summary.p95Ms),
      latencyOrDash(r.summary, r.summary.p99Ms),
      String(r.summary.failed),
      String(r.summary.dropped),
      mib(r.summary.rssPeakBytes),
      fixed(r.summary.cpuPercentMean, 0),
      // null: no /metrics scrape answered during the measurement — no lag read, not none.
      fixedOrDash(r.summary.lagP99MaxMs),
    ]);
  });
}

export const CONNECTIONS_HEADER = [
  'scenario',
  'model',
  'connections',
  'rate kept',
  'live heap KiB per connection',
  'RSS idle MiB',
  'RSS peak MiB',
  'RSS growth KiB per connection',
  'p99 ms',
];

/**
 * The scenarios judged on memory per connection (io): what holding the connections kept alive on
 * each model's heap (read after a full collection) and what the process tree's RSS did
 * meanwhile, beside its p99.
 */
export function connectionRows(report: Report): string[][] {
  return report.scenarios
    .filter((s) => s.verdict.judge === 'memory-per-connection')
    .flatMap((scenario) =>
      scenario.results.map((r) => [
        scenario.id,
        r.model,
        String(r.summary.connections),
        r.summary.sustained === null ? NO_FIGURE : `${Math.round(r.summary.sustained * 100)}%`,
        r.summary.liveHeapPerConnectionBytes === null
          ? NO_FIGURE
          : fixed(r.summary.liveHeapPerConnectionBytes / 1024),
        mib(r.summary.rssIdleBytes),
        mib(r.summary.rssPeakBytes),
        fixed(r.summary.memoryPerConnectionBytes / 1024),
        latencyOrDash(r.summary, r.summary.p99Ms),
      ]),
    );
}

/**
 * A table of the report with its heading and the note under it, as report.md and index.html show
 * it.
 */
export interface ReportTable {
  readonly heading: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** A paragraph under the table. @default none */
  readonly note?: string;
}

/**
 * The report's tables, in order: the summary, memory per connection (when a scenario is judged
 * on it), the verdicts beside the guide. Built once; each format only renders them. `stress`
 * marks a cell the reader must not miss (a verdict that disagrees with the guide).
 */
export function reportTables(
  report: Report,
  stress: (cell: string) => string = (cell) => cell,
): ReportTable[] {
  const connections = connectionRows(report);
  return [
    { heading: 'Summary', header: SUMMARY_HEADER, rows: summaryRows(report), note: SUMMARY_NOTE },
    ...(connections.length
      ? [
          {
            heading: 'Holding connections: memory per connection',
            header: CONNECTIONS_HEADER,
            rows: connections,
            note: "Live heap per connection = (V8's old space in use at the first reading after a full collection − the same before the warm-up) / connections, read after the load while the lab holds the connections, one long wait on each and nothing else arriving, and has asked each of the model's processes for a full collection: what each held connection keeps alive on the JavaScript heap, the figure the verdict weighs, summed over a cluster's processes; a dash when none came within 20 s (not measured: a service the lab did not start is not asked, and waited on). It leaves out native memory (sockets, parsers), which only RSS sees. RSS growth per connection = (RSS peak − RSS just before the warm-up) / connections for the whole process tree: mostly V8's heap sizing itself to the load and garbage not yet collected, so it swings between runs.",
          },
        ]
      : []),
    {
      heading: 'Verdict beside the guide',
      header: ['scenario', 'best throughput', 'best p99', 'least memory', 'guide says', 'agrees'],
      // `—`: no leader, so no best model to name and nothing to weigh against the guide.
      rows: report.scenarios.map((s) => [
        s.id,
        s.verdict.throughput ?? NO_FIGURE,
        s.verdict.p99 ?? NO_FIGURE,
        s.verdict.memory ?? NO_FIGURE,
        s.guide.text,
        s.verdict.agreesWithGuide === null
          ? NO_FIGURE
          : s.verdict.agreesWithGuide
            ? 'yes'
            : stress('no'),
      ]),
    },
  ];
}
