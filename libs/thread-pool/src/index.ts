import { join } from 'node:path';
import type { Registry, RegistryContentType } from 'prom-client';
import { registerPoolMetrics } from './pool-metrics';
import { ThreadPoolRunner, type ThreadPoolOptions } from './thread-pool-runner';

export * from './thread-pool-runner';
export * from './errors';
export * from './pool-task';
export * from './cancel-grace';
export * from './pool-protocol';
export * from './pool-metrics';
export * from './shared-counter';
export * from './pool-counter';

/**
 * The pool thread's entry, `dist/pool-worker.js`: the file a `ThreadPoolRunner` loads in each
 * thread. What runs in another thread runs from `dist`, also when this module is read from
 * `src` (jest), hence the path through the package folder.
 */
export const POOL_WORKER_ENTRY = join(__dirname, '..', 'dist', 'pool-worker.js');

/**
 * A `ThreadPoolRunner` of pool threads (`POOL_WORKER_ENTRY`) with the contract's pool metrics on
 * `registry`, resolved once every thread has loaded its module (`readyOrClose`: a pool that
 * cannot start is closed and rejects) — what the threads model and each hybrid process run their
 * CPU work on, so both start the same pool the same way.
 */
export async function startThreadPool(
  registry: Registry<RegistryContentType>,
  options: Omit<ThreadPoolOptions, 'filename' | 'onTaskTiming' | 'onThreadReplaced'>,
): Promise<ThreadPoolRunner> {
  const pool = registerPoolMetrics(
    registry,
    'thread',
    (hooks) =>
      new ThreadPoolRunner({
        ...options,
        filename: POOL_WORKER_ENTRY,
        onTaskTiming: hooks.onTaskTiming,
        onThreadReplaced: hooks.onWorkerReplaced,
      }),
  );
  await pool.readyOrClose();
  return pool;
}
