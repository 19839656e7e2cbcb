import { ConfigError, envInt, readEnv } from '@concurrency-lab/service-kit';
import { availableParallelism } from 'node:os';

/** The most pool threads the whole model may start: what the threads model allows (`WORKERS`). */
export const MAX_MODEL_THREADS = 256;

/**
 * Threads in each worker process's pool: `HYBRID_THREADS`, else the CPUs shared out over the
 * `WORKERS` processes (at least one each) — so that by default the whole model runs about one
 * pool thread per CPU, the budget threads and cluster get, and the difference is the shape.
 * Each bound alone is not enough: `WORKERS=256 HYBRID_THREADS=256` would start 65,536 V8
 * isolates (every pool starts all its threads), so the product is bounded too.
 * @throws ConfigError (`ERR_KIT_INVALID_CONFIG`) for anything but an integer from 1 to 256, or
 *   a product with `WORKERS` above {@link MAX_MODEL_THREADS}
 */
export function hybridThreads(env: NodeJS.ProcessEnv, processes: number): number {
  const { HYBRID_THREADS } = readEnv(env, { HYBRID_THREADS: envInt(1, 256) });
  const threads = HYBRID_THREADS ?? Math.max(1, Math.floor(availableParallelism() / processes));
  if (threads * processes > MAX_MODEL_THREADS) {
    throw new ConfigError(
      `HYBRID_THREADS=${threads} × WORKERS=${processes} is ${threads * processes} pool threads; ` +
        `the model starts at most ${MAX_MODEL_THREADS}`,
    );
  }
  return threads;
}
