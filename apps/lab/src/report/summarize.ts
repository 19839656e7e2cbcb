import type { StreamPlan, StreamResult } from '../drivers/load-driver';
import type { ModelSummary, Sample } from './report-schema';

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;

/**
 * One model's figures in one scenario, from what the driver measured (the measured stream) and
 * what the sampler saw (the model's cost). `failed` counts every stream's errors; `dropped` —
 * "not sent: over the target rate" — only the measured stream's, which is the one with a rate.
 */
export function summarize(
  plans: StreamPlan[],
  streams: StreamResult[],
  samples: Sample[],
  memory: { rssIdleBytes: number; rssAfterBytes: number },
): ModelSummary {
  const { rssIdleBytes } = memory;
  const measured = streams.find((s) => s.measure) ?? streams[0];
  const plan = plans.find((p) => p.measure) ?? plans[0];
  const connections = plans.reduce((n, p) => n + p.connections, 0);
  const rssPeakBytes = Math.max(memory.rssAfterBytes, ...samples.map((s) => s.rssBytes));
  // One rule for the three figures read "since the previous reading": the first sample, taken as
  // the measurement starts, is left out. Its CPU has no earlier reading; its event-loop lag and
  // ELU cover the time since the previous scrape — the warm-up, and the idle time while other
  // models ran — not the measurement.
  const measuring = samples.slice(1);
  const cpuSamples = measuring.map((s) => s.cpuPercent);
  const lags = measuring.flatMap((s) => (s.lagP99Ms === null ? [] : [s.lagP99Ms]));
  const elus = measuring.flatMap((s) => (s.elu === null ? [] : [s.elu]));
  return {
    rps: measured?.rps ?? 0,
    p50Ms: measured?.latencyMs.p50 ?? 0,
    p95Ms: measured?.latencyMs.p95 ?? 0,
    p99Ms: measured?.latencyMs.p99 ?? 0,
    failed: streams.reduce((n, s) => n + s.failed, 0),
    dropped: measured?.dropped ?? 0,
    sustained: plan?.rate && measured ? Math.round((measured.rps / plan.rate) * 1000) / 1000 : null,
    connections,
    rssIdleBytes,
    rssPeakBytes,
    memoryPerConnectionBytes: Math.round(Math.max(0, rssPeakBytes - rssIdleBytes) / connections),
    cpuPercentMean: Math.round(mean(cpuSamples) * 10) / 10,
    // No sample with a lag or ELU (every scrape unanswered: a loop blocked by CPU work) is no
    // reading, not a zero: a 0 would say the loop was idle when it was too busy to answer.
    lagP99MaxMs: lags.length ? Math.max(...lags) : null,
    eluMean: elus.length ? Math.round(mean(elus) * 1000) / 1000 : null,
  };
}
