import { checkSoak, mib, ms, toleratedSheds } from '../budgets';
import {
  emptyRow,
  type Drill,
  type DrillContext,
  type DrillRow,
  type RegistryModel,
} from '../drill';
import { DEFAULT_MAX_IN_FLIGHT, Load } from '../load/load-generator';
import { ShedEpisodes } from '../load/shed-episodes';
import { MemorySampler } from '../probes/memory-sampler';
import { floorSlopePerMinute, quarterDrift, slopePerMinute } from '../series';
import { CLIENT_TIMEOUT_MS, CPU_PATH } from '../workload';

/** The soak's load: half of the measured capacity. */
const LOAD_SHARE = 0.5;
/** Heap floors per window this long (several collections at this load). */
const HEAP_WINDOW_S = 10;

export const soak: Drill<'soak'> = {
  name: 'soak',
  summary: `open-loop load at ${LOAD_SHARE * 100} % of capacity on ${CPU_PATH}: after warm-up RSS and heap slope within budget, fds and threads flat, no arrival skipped for want of an answer (--quick: every model at once, each at its share of half the machine)`,
  recovery: '—',
  appliesTo: () => true,
  async run(ctx, models) {
    if (!ctx.durations.soakTogether) {
      const rows: DrillRow[] = [];
      for (const model of models) rows.push(...(await soakModels(ctx, [model])));
      return rows;
    }
    return soakModels(ctx, models);
  },
};

async function soakModels(
  ctx: DrillContext,
  models: readonly RegistryModel[],
): Promise<DrillRow[]> {
  const rates = new Map<string, number>();
  for (const { model } of models) {
    // Together, the models share the machine: each gets its share of half of it.
    rates.set(model, ((await ctx.capacity(model)) * LOAD_SHARE) / models.length);
  }
  const names = models.map((m) => m.model);
  const fleet = await ctx.startFleet(names, { upstream: false });
  try {
    ctx.progress(
      `${soak.name} ${names.join(', ')}: ${Math.round(ctx.durations.soakMs / 1000)} s at ${[...rates].map(([m, r]) => `${m} ${r.toFixed(0)} req/s`).join(', ')}`,
    );
    const runs = fleet.models.map(({ model, service }) => {
      const load = new Load({
        base: service.url,
        path: CPU_PATH,
        rate: rates.get(model) ?? 1,
        durationMs: ctx.durations.soakMs,
        timeoutMs: CLIENT_TIMEOUT_MS,
      });
      const sampler = new MemorySampler({
        pid: service.pid,
        base: service.url,
        intervalMs: 1000,
        withHeap: true,
        connections: () => load.openConnections,
      });
      const episodes = new ShedEpisodes();
      load.onOutcome((outcome) => episodes.record(outcome));
      return { model, sampler, load, episodes };
    });
    const rows: DrillRow[] = [];
    for (const { model, sampler, load, episodes } of runs) {
      await load.done;
      const samples = (await sampler.stop()).filter(
        (s) => s.t >= ctx.durations.soakWarmupMs / 1000,
      );
      const heap = samples.flatMap((s) =>
        s.heapBytes === undefined ? [] : [{ t: s.t, v: s.heapBytes }],
      );
      const figures = {
        rssSlopeBytesPerMin: slopePerMinute(samples.map((s) => ({ t: s.t, v: s.rssBytes }))),
        heapSlopeBytesPerMin:
          heap.length >= 2 ? floorSlopePerMinute(heap, HEAP_WINDOW_S) : undefined,
        // The load's connections are descriptors of the service too, and an open loop keeps
        // the extra ones a stall made it open: a leak is what grows beyond them.
        fdDrift: quarterDrift(samples.map((s) => s.fds - (s.connections ?? 0))),
        connectionDrift: quarterDrift(samples.map((s) => s.connections ?? 0)),
        threadDrift: quarterDrift(samples.map((s) => s.threads)),
        lost: load.stats.lostExcept([200]),
        shed: load.stats.shed,
        sent: load.stats.sent,
        served: load.stats.count(200),
        longestShedMs: episodes.longestMs,
        skipped: load.skipped,
      };
      const tolerated = toleratedSheds(figures, ctx.durations.soakShedShareMax);
      const row = emptyRow(soak.name, model);
      row.requests = load.stats.sent;
      row.lost = figures.lost - tolerated;
      row.p99Ms = load.stats.acceptedPercentileMs(99);
      row.rssPeakBytes = sampler.peakRssBytes;
      row.notes.push(
        `${(rates.get(model) ?? 0).toFixed(0)} req/s`,
        `after ${ctx.durations.soakWarmupMs / 1000} s warm-up: RSS ${signed(figures.rssSlopeBytesPerMin)}/min, heap floor ${figures.heapSlopeBytesPerMin === undefined ? '—' : signed(figures.heapSlopeBytesPerMin)}/min, fds ${count(figures.fdDrift)} beyond the load's connections (those ${count(figures.connectionDrift)}), threads ${count(figures.threadDrift)}`,
        load.stats.summary(),
      );
      if (figures.skipped > 0)
        row.notes.push(
          `${figures.skipped} arrivals skipped, never sent (${DEFAULT_MAX_IN_FLIGHT} requests outstanding)`,
        );
      if (!ctx.durations.soakJudgesSlopes)
        row.notes.push('slopes not judged in --quick (too short to tell a leak from warm-up)');
      if (figures.shed > 0)
        row.notes.push(
          `${figures.shed} shed (503 + Retry-After) in ${episodes.count} episode${episodes.count === 1 ? '' : 's'}, the longest ${ms(episodes.longestMs)}`,
        );
      if (tolerated > 0)
        row.notes.push(
          `${tolerated} of them within --quick's ${ctx.durations.soakShedShareMax * 100} % for every model sharing the cores`,
        );
      row.violations = checkSoak(
        figures,
        ctx.durations.soakJudgesSlopes,
        ctx.durations.soakShedShareMax,
      );
      rows.push(row);
    }
    return rows;
  } finally {
    await fleet.stop();
  }
}

function count(drift: number): string {
  return `${drift >= 0 ? '+' : ''}${drift}`;
}

function signed(bytes: number): string {
  return `${bytes >= 0 ? '+' : '−'}${mib(Math.abs(bytes))}`;
}
