import { fixed, mib } from './format';
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
  'dropped',
  'RSS peak MiB',
  'CPU %',
  'loop lag p99 ms',
];

/** One row per scenario × model: the table printed at the end, in report.md and in index.html. */
export function summaryRows(report: Report): string[][] {
  return report.scenarios.flatMap((scenario) => {
    const top = Math.max(...scenario.results.map((r) => r.summary.rps), 1e-9);
    return scenario.results.map((r) => [
      scenario.id,
      r.model,
      fixed(r.summary.rps),
      `${(r.summary.rps / top).toFixed(2)}×`,
      fixed(r.summary.p50Ms),
      fixed(r.summary.p95Ms),
      fixed(r.summary.p99Ms),
      String(r.summary.failed),
      String(r.summary.dropped),
      mib(r.summary.rssPeakBytes),
      fixed(r.summary.cpuPercentMean, 0),
      fixed(r.summary.lagP99MaxMs),
    ]);
  });
}
