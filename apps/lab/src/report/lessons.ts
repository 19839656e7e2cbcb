import { MODELS, type ModelInfo } from '@concurrency-lab/models';
import type { ModelSummary, Report, ScenarioReport } from './report-schema';
import { leadersBy } from './verdict';

/** The models that run CPU work somewhere other than the one event loop: a pool, or processes. */
const OFF_THE_LOOP: readonly string[] = (MODELS as readonly ModelInfo[])
  .filter((m) => m.pool || m.restarts.includes('process'))
  .map((m) => m.model);

/** `a`, `a and b`, `a, b and c`. */
const inWords = (names: readonly string[]) =>
  names.length < 2 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;

/** The models that hand CPU work to a pool, keeping the request loop free (registry: `pool`). */
const POOLED: readonly string[] = MODELS.filter((m) => m.pool).map((m) => m.model);

const summaryOf = (s: ScenarioReport | undefined, model: string): ModelSummary | undefined =>
  s?.results.find((r) => r.model === model)?.summary;

/** The lessons the lab exists to show, checked against this run's figures, all models included. */
export function lessonsFor(scenarios: ScenarioReport[]): Report['lessons'] {
  const lessons: Report['lessons'] = [];
  const byId = (id: string) => scenarios.find((s) => s.id === id);

  const cpu = byId('cpu');
  const asyncCpu = summaryOf(cpu, 'async');
  if (cpu && asyncCpu) {
    const ratios = cpu.results
      .filter((r) => OFF_THE_LOOP.includes(r.model))
      .map((r) => [r.model, r.summary.rps / Math.max(asyncCpu.rps, 1e-9)] as const);
    lessons.push({
      id: 'cpu-needs-cores',
      claim: `CPU-bound work: ${inWords(OFF_THE_LOOP)} reach at least 1.6× the throughput of one event loop`,
      holds: ratios.length ? ratios.every(([, r]) => r >= 1.6) : null,
      figures:
        ratios.map(([m, r]) => `${m} ${r.toFixed(2)}× async`).join(', ') ||
        `no ${OFF_THE_LOOP.join('/')} in this run`,
    });
  }

  const fairness = byId('fairness');
  const asyncProbe = summaryOf(fairness, 'async');
  const pooled = (fairness?.results ?? []).filter((r) => POOLED.includes(r.model));
  if (fairness && asyncProbe && pooled.length) {
    const ratios = pooled.map(
      (r) => [r.model, asyncProbe.p99Ms / Math.max(r.summary.p99Ms, 1e-9), r.summary] as const,
    );
    lessons.push({
      id: 'cpu-blocks-the-loop',
      claim:
        "While CPU work runs, one event loop's I/O requests wait: async's I/O p99 is several (≥ 3) times that of every model with a pool",
      holds: ratios.every(([, ratio]) => ratio >= 3),
      figures: `I/O p99: async ${asyncProbe.p99Ms.toFixed(1)} ms; ${ratios
        .map(([m, ratio, s]) => `${m} ${s.p99Ms.toFixed(1)} ms (${ratio.toFixed(1)}×)`)
        .join(', ')}`,
    });
  }

  const io = byId('io');
  if (io && summaryOf(io, 'async') && io.results.length > 1) {
    const leaders = leadersBy('memory-per-connection', io.results);
    lessons.push({
      id: 'waits-are-cheap',
      claim:
        'Holding thousands of waiting connections: one event loop needs no more memory per connection than threads or processes (within 10% and half a KiB: RSS moves in pages)',
      holds: leaders.includes('async'),
      figures: io.results
        .map(
          (r) =>
            `${r.model} ${(r.summary.memoryPerConnectionBytes / 1024).toFixed(1)} KiB/connection, p99 ${Math.round(r.summary.p99Ms)} ms`,
        )
        .join(', '),
    });
  }
  return lessons;
}
