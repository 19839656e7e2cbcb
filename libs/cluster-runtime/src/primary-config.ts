import { envInt, readEnv } from '@concurrency-lab/service-kit/env';
import type { RespawnOptions } from './respawn-policy';

/** An hour is the longest any of these may sensibly be; the budget is a count. */
const MS = envInt(0, 3_600_000);

/**
 * The primary's own settings (beyond the contract's): respawn tuning, read like every other
 * variable of the repository (`readEnv`: unset or empty = the default; a bad value stops the
 * primary with `ERR_KIT_INVALID_CONFIG` naming it).
 */
export function respawnFromEnv(env: NodeJS.ProcessEnv): Partial<RespawnOptions> {
  const read = readEnv(env, {
    CLUSTER_RESPAWN_BASE_MS: MS,
    CLUSTER_RESPAWN_MAX_MS: MS,
    CLUSTER_CRASH_BUDGET: envInt(0, 1_000_000),
    // From 1: a window of 0 ms holds no crash, so the budget was never spent and a worker that
    // dies at boot was respawned for ever, however small the budget.
    CLUSTER_CRASH_WINDOW_MS: envInt(1, 3_600_000),
    CLUSTER_STABLE_AFTER_MS: MS,
  });
  const out: Partial<RespawnOptions> = {};
  if (read.CLUSTER_RESPAWN_BASE_MS !== undefined) out.baseDelayMs = read.CLUSTER_RESPAWN_BASE_MS;
  if (read.CLUSTER_RESPAWN_MAX_MS !== undefined) out.maxDelayMs = read.CLUSTER_RESPAWN_MAX_MS;
  if (read.CLUSTER_CRASH_BUDGET !== undefined) out.budget = read.CLUSTER_CRASH_BUDGET;
  if (read.CLUSTER_CRASH_WINDOW_MS !== undefined) out.windowMs = read.CLUSTER_CRASH_WINDOW_MS;
  if (read.CLUSTER_STABLE_AFTER_MS !== undefined) out.stableAfterMs = read.CLUSTER_STABLE_AFTER_MS;
  return out;
}
