import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelResult, Report, ScenarioReport } from '../../src/report/report-schema';
import type { Judge } from '../../src/report/report-schema';
import { verdictFor } from '../../src/report/verdict';

/**
 * A real run's report (async and threads on cpu and io-saturation), read afresh to change. Made
 * before the live heap was read (schema 2): its samples and summaries get the figures a current
 * report has, as not measured.
 */
export const fixtureReport = (): Report => {
  const report = JSON.parse(
    readFileSync(join(__dirname, '..', 'fixtures', 'reports', 'workers-1.json'), 'utf8'),
  ) as Report;
  for (const s of report.scenarios)
    for (const r of s.results) {
      r.samples = r.samples.map((sample) => ({ ...sample, oldSpaceUsedBytes: null }));
      r.summary = { ...r.summary, liveHeapPerConnectionBytes: null };
    }
  return report;
};

/**
 * A model's result with the figures a verdict reads; everything else plausible — its CPU too: the
 * same 6.5 ms a request for every model, a run where the machine ran every process at one speed.
 */
export function result(
  model: ModelResult['model'],
  rps: number,
  p99Ms: number,
  rssMiB: number,
  extra: Partial<ModelResult['summary']> = {},
): ModelResult {
  return {
    model,
    workers: 2,
    streams: [],
    samples: [],
    summary: {
      rps,
      p50Ms: p99Ms / 2,
      p95Ms: p99Ms * 0.9,
      p99Ms,
      failed: 0,
      dropped: 0,
      sustained: null,
      connections: 8,
      rssIdleBytes: rssMiB * 2 ** 20 * 0.8,
      rssPeakBytes: rssMiB * 2 ** 20,
      memoryPerConnectionBytes: (rssMiB * 2 ** 20 * 0.2) / 8,
      liveHeapPerConnectionBytes: 8 * 1024,
      cpuPercentMean: rps * 0.65,
      lagP99MaxMs: 1,
      eluMean: 0.5,
      ...extra,
    },
  };
}

/** A scenario of a report, its verdict computed the way the lab computes it. */
export function scenario(
  id: string,
  results: ModelResult[],
  judge: Judge = 'throughput',
  prefers: string[] = ['cluster'],
): ScenarioReport {
  const guide = { prefers, text: `guide for ${id}` };
  return { id, title: id, lesson: '', guide, results, verdict: verdictFor(judge, guide, results) };
}
