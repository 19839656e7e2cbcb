import type { Logger, ServiceConfig, ServiceMetrics } from '@concurrency-lab/service-kit';
import { startThreadPool, type ThreadPoolRunner } from '@concurrency-lab/thread-pool';
import { hybridThreads } from './hybrid-threads';

/**
 * One hybrid worker process's runner: a pool of `HYBRID_THREADS` threads (piscina), its pool
 * metrics on this process's registry — the primary sums them over the processes. The pool has no
 * counter of its own: hybrid's counter is the cluster's, held by the primary. Resolves once every
 * thread of the pool has loaded its module: the process listens, and tells the primary it is
 * ready, only then (a pool that cannot start rejects, and the process exits 1).
 */
export function hybridRunner(
  config: ServiceConfig,
  _logger: Logger,
  metrics: ServiceMetrics,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ThreadPoolRunner> {
  return startThreadPool(metrics.registry, {
    workers: hybridThreads(env, config.workers),
    maxQueue: config.maxQueue,
  });
}
