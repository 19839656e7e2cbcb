import type { RespawnOptions } from './respawn-policy';

/**
 * The primary's own settings (beyond the contract's): respawn tuning, and the worker entry —
 * overridable so fault drills and tests can run a worker that crashes at boot.
 */
export function respawnFromEnv(env: NodeJS.ProcessEnv): Partial<RespawnOptions> {
  const read = (name: string, key: keyof RespawnOptions, out: Partial<RespawnOptions>) => {
    const raw = env[name];
    if (raw === undefined || raw === '') return;
    if (!/^[0-9]+$/.test(raw))
      throw new Error(`Expected \`${name}\` to be a non-negative integer, got \`${raw}\``);
    out[key] = Number(raw);
  };
  const out: Partial<RespawnOptions> = {};
  read('CLUSTER_RESPAWN_BASE_MS', 'baseDelayMs', out);
  read('CLUSTER_RESPAWN_MAX_MS', 'maxDelayMs', out);
  read('CLUSTER_CRASH_BUDGET', 'budget', out);
  read('CLUSTER_CRASH_WINDOW_MS', 'windowMs', out);
  read('CLUSTER_STABLE_AFTER_MS', 'stableAfterMs', out);
  return out;
}
