import { ConfigError } from '@concurrency-lab/service-kit';
import { availableParallelism } from 'node:os';

/**
 * Threads in each worker process's pool: `HYBRID_THREADS`, else the CPUs shared out over the
 * `WORKERS` processes (at least one each) — so that by default the whole model runs about one
 * pool thread per CPU, the budget threads and cluster get, and the difference is the shape.
 * @throws ConfigError (`ERR_INVALID_CONFIG`) for anything but an integer from 1 to 256
 */
export function hybridThreads(env: NodeJS.ProcessEnv, processes: number): number {
  const raw = env['HYBRID_THREADS'];
  if (raw === undefined || raw === '') {
    return Math.max(1, Math.floor(availableParallelism() / processes));
  }
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > 256) {
    throw new ConfigError(
      `Invalid configuration: HYBRID_THREADS: expected an integer from 1 to 256, got \`${raw}\``,
    );
  }
  return Number(raw);
}
