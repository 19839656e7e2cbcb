import { checkOverload, ms, OVERLOAD_FACTOR } from '../budgets';
import { emptyRow, perModel, type Drill } from '../drill';
import { Load } from '../load/load-generator';
import { HealthzProber } from '../probes/healthz-prober';
import { MemorySampler } from '../probes/memory-sampler';
import { fetchMetrics, metricSum } from '../probes/metrics-text';
import { CLIENT_TIMEOUT_MS, CPU_PATH, timeUntil } from '../workload';

/**
 * Open-loop arrivals are capped at this many outstanding requests: above the services' default
 * `MAX_QUEUE` (1000), so it is the service that has to refuse, not the load generator.
 */
const MAX_IN_FLIGHT = 2000;

export const overload: Drill = {
  name: 'overload',
  summary: `capacity on ${CPU_PATH}, then open-loop arrivals at 1× and ${OVERLOAD_FACTOR}× it: RSS, accepted p99, refusals (503 + Retry-After) and /healthz throughout`,
  recovery: `after the ${OVERLOAD_FACTOR}× run, time until a request is served again`,
  appliesTo: () => true,
  run: perModel('overload', async (ctx, { model }) => {
    const row = emptyRow('overload', model);
    const fleet = await ctx.startFleet([model], { upstream: false });
    try {
      const service = fleet.service(model);
      const capacity = await ctx.capacity(model, service.url);
      ctx.progress(`overload ${model}: capacity ${capacity.toFixed(0)} req/s`);
      const phase = async (factor: number) => {
        const sampler = new MemorySampler({ pid: service.pid, base: service.url });
        const prober = new HealthzProber(service.url);
        const load = new Load({
          base: service.url,
          path: CPU_PATH,
          rate: capacity * factor,
          maxInFlight: MAX_IN_FLIGHT,
          durationMs: ctx.durations.overloadMs,
          timeoutMs: CLIENT_TIMEOUT_MS,
        });
        await load.done;
        await prober.stop();
        await sampler.stop();
        return { load, prober, rssPeak: sampler.peakRssBytes };
      };
      const base = await phase(1);
      const over = await phase(OVERLOAD_FACTOR);
      row.recoveryMs = await timeUntil(async () => {
        const answer = await fetch(`${service.url}${CPU_PATH}`).catch(() => undefined);
        await answer?.arrayBuffer();
        return answer?.status === 200;
      }, 30_000);
      const metrics = (await fetchMetrics(service.url)) ?? '';
      const { stats } = over.load;
      row.requests = base.load.stats.sent + stats.sent;
      row.lost = stats.lostExcept([200, 503]) + base.load.stats.lostExcept([200, 503]);
      row.p99Ms = stats.acceptedPercentileMs(99);
      row.rssPeakBytes = over.rssPeak;
      row.notes.push(
        `capacity ${capacity.toFixed(0)} req/s`,
        `${OVERLOAD_FACTOR}×: ${stats.summary()}${over.load.skipped ? `, ${over.load.skipped} arrivals skipped (client cap)` : ''}`,
        `1× p99 ${ms(base.load.stats.acceptedPercentileMs(99) ?? 0)}, RSS peak 1× ${mb(base.rssPeak)} → ${OVERLOAD_FACTOR}× ${mb(over.rssPeak)}`,
        `/healthz max ${ms(over.prober.maxMs)} over ${over.prober.probes} probes`,
        `shed by reason: ${shedReasons(metrics)}`,
      );
      row.violations = checkOverload({
        rssPeak1xBytes: base.rssPeak,
        rssPeak3xBytes: over.rssPeak,
        acceptedP99Ms: row.p99Ms,
        healthzMaxMs: Math.max(base.prober.maxMs, over.prober.maxMs),
        healthzFailed: base.prober.failed + over.prober.failed,
        unexpected: base.load.stats.answersExcept([200, 503]) + stats.answersExcept([200, 503]),
        unanswered: base.load.stats.unanswered + stats.unanswered,
        refusalsWithoutRetryAfter:
          base.load.stats.refusalsWithoutRetryAfter + stats.refusalsWithoutRetryAfter,
      });
      if (row.recoveryMs === undefined) row.violations.push('not serving 30 s after the overload');
      return row;
    } finally {
      await fleet.stop();
    }
  }),
};

function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

/** `queue_full 120, event_loop_delay 3400` from `lab_shed_total{reason}`. */
function shedReasons(metrics: string): string {
  const reasons = [
    ...new Set(
      [...metrics.matchAll(/^lab_shed_total\{[^}]*reason="([^"]+)"/gm)].map((m) => m[1] ?? ''),
    ),
  ];
  const parts = reasons
    .map((r) => [r, metricSum(metrics, 'lab_shed_total', [`reason="${r}"`])] as const)
    .filter(([, n]) => n > 0)
    .map(([r, n]) => `${r} ${n}`);
  return parts.join(', ') || 'none';
}
