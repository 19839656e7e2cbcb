import { WARMUP_MARGIN_SECONDS } from '../measure-scenario';
import type { Report } from './report-schema';

/** How the run was made, in one line: mode, models and WORKERS, durations, driver, workload. */
export function runLine(report: Report): string {
  const { options, run } = report;
  const where =
    run.mode === 'targets'
      ? `Targets mode: drove services already running (${Object.entries(run.targets ?? {})
          .map(([m, url]) => `${m} ${url}`)
          .join(', ')}), memory and CPU from their /metrics`
      : `Local mode: the lab started ${options.models.join(', ')} with WORKERS=${options.workers}, memory and CPU of each process tree from /proc`;
  return [
    where,
    `${options.durationSeconds} s measured per model and scenario after a ${options.warmupSeconds} s warm-up (a scenario whose requests wait longer: its longest wait + ${WARMUP_MARGIN_SECONDS} s), sampled every ${options.sampleIntervalMs} ms`,
    `driver ${options.driver}${options.quick ? ' (quick run)' : ''}`,
    ...(run.workload ? [`workload ${run.workload.describe} (${run.workload.path})`] : []),
    run.fileLimit.note,
  ].join('; ');
}

/** `load average 1.7 at the start, 9.0 at the end (1 min, 2 cores)`. */
export function loadLine(machine: {
  readonly cpus: number;
  readonly loadAverage: { readonly start: readonly number[]; readonly end: readonly number[] };
}): string {
  const { start, end } = machine.loadAverage;
  const [first, last] = [start[0]?.toFixed(1), end[0]?.toFixed(1)];
  return `load average ${first} at the start, ${last} at the end (1 min, ${machine.cpus} cores)`;
}
