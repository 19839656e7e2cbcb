import { envInt, readEnv } from '@concurrency-lab/service-kit';
import { availableParallelism } from 'node:os';

/**
 * Threads in each worker process's pool: `HYBRID_THREADS`, else the CPUs shared out over the
 * `WORKERS` processes (at least one each) — so that by default the whole model runs about one
 * pool thread per CPU, the budget threads and cluster get, and the difference is the shape.
 * @throws ConfigError (`ERR_KIT_INVALID_CONFIG`) for anything but an integer from 1 to 256
 */
export function hybridThreads(env: NodeJS.ProcessEnv, processes: number): number {
  const { HYBRID_THREADS } = readEnv(env, { HYBRID_THREADS: envInt(1, 256) });
  return HYBRID_THREADS ?? Math.max(1, Math.floor(availableParallelism() / processes));
}
