import type { StreamPlan, StreamResult } from '../drivers/load-driver';
import type { ModelSummary, Sample } from './report-schema';

const mean = (values: number[]) =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;

/**
 * The share of a fixed rate the measured stream answered: its req/s over the rate, but never more
 * than the share of the window's arrivals it took, sent / (sent + dropped). Its req/s counts
 * every answer arriving in the window, those to requests written in the warm-up among them: they
 * stand in for the window's own requests still in the air at its close — the model keeps as many
 * in the air at either edge — but never for an arrival it had no free connection for. A model
 * answering each request in 1500 ms at 1 req/s answered in a 1 s window the request of the
 * warm-up (1 req/s: "kept up") and dropped the window's arrival: it took none of them.
 * Not "none credited once one is dropped": the warm-up's answers are the window's edge, not
 * extra, so leaving them all out would cut a model with 750 ms waits by 75% of a 1 s window
 * (`--quick`) for a single arrival dropped on a loaded machine.
 * Answers are weighed against the whole arrivals the window had room for, not its length times
 * the rate: a run ends on autocannon's next 100 ms tick, late on a loaded machine, and at 1 req/s
 * a window that closed at 1.13 s holds one arrival, not 1.13 — its one answer is all of them, where
 * req/s over the rate read 0.88, "overloaded". At higher rates the two agree to a fraction of one.
 */
function sustainedOf(rate: number | undefined, measured: StreamResult | undefined): number | null {
  if (!rate || !measured) return null;
  const called = measured.sent + measured.dropped;
  const taken = measured.dropped > 0 && called > 0 ? measured.sent / called : 1;
  // The epsilon: 1 req/s × 1.000 s must give 1 arrival, whatever the float says.
  const arrivals = Math.max(1, Math.floor(rate * measured.durationSeconds + 1e-9));
  return Math.round(Math.min(measured.ok / arrivals, taken) * 1000) / 1000;
}

/**
 * One model's figures in one scenario, from what the driver measured (the measured stream) and
 * what the sampler saw (the model's cost). `failed` counts every stream's errors; `dropped` —
 * "not sent: over the target rate" — only the measured stream's, which is the one with a rate.
 */
export function summarize(
  plans: StreamPlan[],
  streams: StreamResult[],
  samples: Sample[],
  memory: {
    rssIdleBytes: number;
    rssAfterBytes: number;
    /** V8's old space in use before the warm-up; null: /metrics did not answer. @default null */
    oldSpaceIdleBytes?: number | null;
    /**
     * The same right after a full collection while the connections were held (live-heap.ts): read
     * only in a scenario judged on memory per connection, null when no collection came.
     * @default null
     */
    oldSpaceHeldBytes?: number | null;
  },
): ModelSummary {
  const { rssIdleBytes } = memory;
  const measured = streams.find((s) => s.measure) ?? streams[0];
  const plan = plans.find((p) => p.measure) ?? plans[0];
  const connections = plans.reduce((n, p) => n + p.connections, 0);
  const { oldSpaceHeldBytes = null, oldSpaceIdleBytes = null } = memory;
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
    sustained: sustainedOf(plan?.rate, measured),
    connections,
    rssIdleBytes,
    rssPeakBytes,
    memoryPerConnectionBytes: Math.round(Math.max(0, rssPeakBytes - rssIdleBytes) / connections),
    // Both readings or no figure: without the idle one the process's own heap would be counted.
    liveHeapPerConnectionBytes:
      oldSpaceHeldBytes !== null && oldSpaceIdleBytes !== null
        ? Math.round(Math.max(0, oldSpaceHeldBytes - oldSpaceIdleBytes) / connections)
        : null,
    cpuPercentMean: Math.round(mean(cpuSamples) * 10) / 10,
    // No sample with a lag or ELU (every scrape unanswered: a loop blocked by CPU work) is no
    // reading, not a zero: a 0 would say the loop was idle when it was too busy to answer.
    lagP99MaxMs: lags.length ? Math.max(...lags) : null,
    eluMean: elus.length ? Math.round(mean(elus) * 1000) / 1000 : null,
  };
}
