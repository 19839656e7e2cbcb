import { checkUpstreamFaults, ms } from '../budgets';
import { perModelDrill } from '../drill';
import { Load } from '../load/load-generator';
import { MemorySampler } from '../probes/memory-sampler';
import { CLIENT_TIMEOUT_MS } from '../workload';

/**
 * The faults of the issue: 5xx at 30 %, connection resets (mid-body) and latency spikes past
 * the scraper's 5 s per-page timeout. Seeded, so every model meets the same sequence.
 */
export const UPSTREAM_FAULTS = {
  UPSTREAM_PAGES: '50',
  UPSTREAM_LATENCY_MS: '5',
  UPSTREAM_FAILURE_RATE: '0.3',
  UPSTREAM_FAILURE_STATUS: '500',
  UPSTREAM_RESET_RATE: '0.1',
  UPSTREAM_SPIKE_RATE: '0.05',
  UPSTREAM_SPIKE_MS: '6000',
  UPSTREAM_SEED: '15',
} as const;
const CONNECTIONS = 8;

export const upstreamFaults = perModelDrill({
  name: 'upstream-faults',
  summary:
    '/io/scrape against an upstream with 5xx at 30 %, resets and latency spikes: per-page errors in a 200, a 502/504 problem, or 503 with Retry-After — never a 500 or a hang',
  recovery: '—',
  appliesTo: () => true,
  fleet: { upstream: { env: { ...UPSTREAM_FAULTS } } },
  runModel: async (ctx, { service }, row) => {
    let n = 0;
    // Mostly 10-page scrapes (some pages fail: a 200 with per-page errors); every fourth a
    // single page, which fails whole often enough to be a 502.
    const load = new Load({
      base: service.url,
      path: () => (++n % 4 === 0 ? '/io/scrape?pages=1' : '/io/scrape?pages=10'),
      connections: CONNECTIONS,
      durationMs: ctx.durations.upstreamMs,
      timeoutMs: CLIENT_TIMEOUT_MS,
    });
    const sampler = new MemorySampler({ pid: service.pid, base: service.url });
    const pageErrors = new Map<string, number>();
    load.onOutcome((o) => {
      if (o.kind !== 'answer' || o.status !== 200) return;
      for (const m of o.body.matchAll(/"error":\{"code":"([A-Z_]+)"/g)) {
        pageErrors.set(m[1] ?? '', (pageErrors.get(m[1] ?? '') ?? 0) + 1);
      }
    });
    await load.done;
    await sampler.stop();
    const { stats } = load;
    row.requests = stats.sent;
    row.lost = stats.lostExcept([200, 502, 503, 504]);
    row.p99Ms = stats.acceptedPercentileMs(99);
    row.rssPeakBytes = sampler.peakRssBytes;
    row.notes.push(
      `${stats.summary()}, slowest 200 ${ms(stats.acceptedPercentileMs(100) ?? 0)}`,
      `per-page errors: ${[...pageErrors].map(([c, k]) => `${c} ${k}`).join(', ') || 'none'}`,
    );
    row.violations = checkUpstreamFaults({
      statuses: stats.statuses,
      unanswered: stats.unanswered,
      refusalsWithoutRetryAfter: stats.refusalsWithoutRetryAfter,
      pageErrors: [...pageErrors.values()].reduce((a, b) => a + b, 0),
      acceptedMaxMs: stats.acceptedPercentileMs(100),
    });
    return row;
  },
});
