import { modelInfo, type ModelName } from '@concurrency-lab/models';
import { checkOverload, mib, ms, OVERLOAD_FACTOR } from '../budgets';
import { perModelDrill } from '../drill';
import { Load } from '../load/load-generator';
import { HealthzProber } from '../probes/healthz-prober';
import { MemorySampler } from '../probes/memory-sampler';
import { fetchMetrics, shedReasons } from '../probes/metrics-text';
import { CLIENT_TIMEOUT_MS, CPU_PATH, servedWithin, sleep, timeUntil } from '../workload';

/**
 * Open-loop arrivals go over a pool of this many keep-alive connections, opened before the
 * measurement, as through a proxy or a load generator with a fixed number of clients; an arrival
 * that finds every connection busy is skipped and counted. Not a connection per arrival: Node
 * accepts one new connection per turn of its event loop (libuv/libuv#3696), so a storm of new
 * connections to a busy server fills its accept queue, and a probe waits behind all of them —
 * measured: 230 connections queued for seconds, /healthz at 3–5 s, whatever the service's
 * admission did (and past Node's 511 backlog, SYNs dropped: 16,000 ListenOverflows in 20 s).
 * 256 carries 3× capacity at a few hundred ms per answer; the service's own bounds (MAX_QUEUE,
 * admission) are what is drilled.
 */
export const CONNECTIONS = 256;

/**
 * The pending work the service may hold in this drill, all its processes together: a quarter
 * of the connections. The default MAX_QUEUE (1000) is past the 256 connections, so at 3× it was
 * never reached: where CPU runs off the event loop (threads, hybrid, procpool) admission has
 * nothing to shed either, the service refused nothing, and the load generator dropped the
 * excess itself — a model with no bound at all held the budget. Under this bound a service that
 * keeps it answers the excess 503 at once and leaves connections free; one that holds more than
 * its bound busies them all, and the skipped arrivals break the budget (checkOverload).
 */
export const OVERLOAD_BOUND = CONNECTIONS / 4;

/**
 * MAX_QUEUE for the drill's fleet: {@link OVERLOAD_BOUND} for the whole service — split over
 * WORKERS where each HTTP process bounds itself (the registry's `http`), whole where one
 * process holds it. Not split for a one-process model: at `--workers 16` a bound of 4 would
 * idle 12 of its 16 threads and make the capacity the drill measures (and soak reuses) a
 * quarter of the truth.
 */
export function overloadMaxQueue(model: ModelName, workers: number): number {
  return modelInfo(model).http === 'worker processes'
    ? Math.max(1, Math.floor(OVERLOAD_BOUND / workers))
    : OVERLOAD_BOUND;
}

export const overload = perModelDrill({
  name: 'overload',
  summary: `capacity on ${CPU_PATH}, then open-loop arrivals at 1× and ${OVERLOAD_FACTOR}× it over ${CONNECTIONS} connections, MAX_QUEUE holding a quarter of them: RSS, accepted p99, refusals at ${OVERLOAD_FACTOR}× (503 + Retry-After, required), arrivals skipped with every connection busy, and /healthz throughout`,
  recovery: `after the ${OVERLOAD_FACTOR}× run, time until a request is served again`,
  appliesTo: () => true,
  fleet: (ctx, model) => ({
    upstream: false,
    modelEnv: { MAX_QUEUE: String(overloadMaxQueue(model, ctx.workers)) },
  }),
  runModel: async (ctx, { model, service }, row) => {
    const capacity = await ctx.capacity(model, service.url);
    ctx.progress(`${row.drill} ${model}: capacity ${capacity.toFixed(0)} req/s`);
    // One pool of connections, opened first, carries both phases: 1× then 3× capacity.
    const load = new Load({
      base: service.url,
      path: CPU_PATH,
      rate: capacity,
      maxInFlight: CONNECTIONS,
      warm: { connections: CONNECTIONS, path: '/healthz' },
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
    try {
      await load.started;
      const phase = async () => {
        const sampler = new MemorySampler({ pid: service.pid, base: service.url });
        const prober = new HealthzProber(service.url);
        await sleep(ctx.durations.overloadMs);
        const healthz = await prober.stop();
        await sampler.stop();
        return { healthz, rssPeak: sampler.peakRssBytes };
      };
      // Each phase's figures count the requests it sent and the arrivals it skipped, however
      // long its answers take: read after stop(), when every request has ended.
      const base = { ...(await phase()), stats: load.phase(capacity * OVERLOAD_FACTOR) };
      const overPhase = await phase();
      await load.stop();
      const over = { ...overPhase, stats: load.stats };
      row.recoveryMs = await timeUntil(() => servedWithin(`${service.url}${CPU_PATH}`), 30_000);
      const metrics = (await fetchMetrics(service.url)) ?? '';
      const { stats } = over;
      row.requests = base.stats.sent + stats.sent;
      row.lost = stats.lostExcept([200, 503]) + base.stats.lostExcept([200, 503]);
      row.p99Ms = stats.acceptedPercentileMs(99);
      row.rssPeakBytes = over.rssPeak;
      const skipped = base.stats.skipped + stats.skipped;
      row.notes.push(
        `capacity ${capacity.toFixed(0)} req/s, MAX_QUEUE ${overloadMaxQueue(model, ctx.workers)}${modelInfo(model).http === 'worker processes' ? ' per process' : ''}`,
        `${OVERLOAD_FACTOR}×: ${stats.summary()} (${stats.shed} shed)${skipped ? `, ${skipped} arrivals skipped (all ${CONNECTIONS} connections busy; 1×: ${base.stats.skipped})` : ''}`,
        `1×: ${base.stats.summary()}, p99 ${ms(base.stats.acceptedPercentileMs(99) ?? 0)}, RSS peak 1× ${mib(base.rssPeak)} → ${OVERLOAD_FACTOR}× ${mib(over.rssPeak)}`,
        `/healthz max ${ms(over.healthz.maxMs)} over ${over.healthz.probes} probes (slowest at ${over.healthz.slowest.map(([t, d]) => `${t} s: ${d} ms`).join(', ')})`,
        `shed by reason: ${shedReasons(metrics)}`,
      );
      row.violations = checkOverload({
        rssPeak1xBytes: base.rssPeak,
        rssPeak3xBytes: over.rssPeak,
        acceptedP99Ms: row.p99Ms,
        healthzMaxMs: Math.max(base.healthz.maxMs, over.healthz.maxMs),
        healthzFailed: base.healthz.failed + over.healthz.failed,
        unexpected: base.stats.answersExcept([200, 503]) + stats.answersExcept([200, 503]),
        unanswered: base.stats.unanswered + stats.unanswered,
        refusalsWithoutRetryAfter:
          base.stats.refusalsWithoutRetryAfter + stats.refusalsWithoutRetryAfter,
        arrivals: base.stats.sent + stats.sent + skipped,
        skipped,
        shed3x: stats.shed,
        sent1x: base.stats.sent,
        served1x: base.stats.count(200),
        served3x: stats.count(200),
      });
      if (row.recoveryMs === undefined) row.violations.push('not serving 30 s after the overload');
      return row;
    } finally {
      await load.stop(); // also when a step above threw: no load outlives its drill
    }
  },
});
