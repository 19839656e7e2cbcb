import type { ServiceProcess } from '@concurrency-lab/launcher';
import type { ServedLoad } from '../budgets';
import type { DrillRow } from '../drill';
import { Load } from '../load/load-generator';
import type { LoadStats } from '../load/load-stats';
import { MemorySampler } from '../probes/memory-sampler';
import { CLIENT_TIMEOUT_MS } from '../workload';

export interface UnderLoad {
  load: Load;
  sampler: MemorySampler;
  /**
   * Stops the load and the sampler, and fills the row's common columns from them. Lost: every
   * request not answered with a status in `allowed`, except those shed (503 `ERR_OVERLOADED` +
   * `Retry-After`, counted in the notes) — a service that refuses what it cannot serve, saying
   * when to retry, has lost nothing; a reset, a refused connection or any other answer has.
   */
  finish(row: DrillRow, allowed: readonly number[]): Promise<void>;
  /** Stops the load and the sampler (idempotent): for a drill's `finally`. */
  stop(): Promise<void>;
}

/** A closed-loop load on `service` with its memory sampled: the setting of most drills. */
export function underLoad(
  service: ServiceProcess,
  options: { path: string; connections: number; freshConnections?: boolean },
): UnderLoad {
  const load = new Load({ base: service.url, timeoutMs: CLIENT_TIMEOUT_MS, ...options });
  const sampler = new MemorySampler({ pid: service.pid, base: service.url });
  return {
    load,
    sampler,
    async stop() {
      await load.stop();
      await sampler.stop();
    },
    async finish(row, allowed) {
      await load.stop();
      await sampler.stop();
      row.requests += load.stats.sent;
      const { stats } = load;
      const shed = allowed.includes(503) ? 0 : stats.shed;
      row.lost += stats.lostExcept(allowed) - shed;
      if (shed > 0) row.notes.push(`${shed} shed (503 ERR_OVERLOADED + Retry-After), not lost`);
      row.p99Ms = load.stats.acceptedPercentileMs(99);
      row.rssPeakBytes = sampler.peakRssBytes;
    },
  };
}

/** What a load got of the service, for `checkServedLoad`. */
export function servedLoad(stats: LoadStats): ServedLoad {
  return { sent: stats.sent, served: stats.count(200), shed: stats.shed };
}
