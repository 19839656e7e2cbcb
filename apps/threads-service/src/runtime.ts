import type {
  Logger,
  ModelRuntime,
  ServiceConfig,
  ServiceMetrics,
} from '@concurrency-lab/service-kit';
import { SharedMutex } from '@concurrency-lab/locks';
import { PoolCounter, SharedCounterCell, startThreadPool } from '@concurrency-lab/thread-pool';

/**
 * The threads model: every CPU task on a pool of `WORKERS` threads (piscina), the shared counter
 * one Int64 in a SharedArrayBuffer that every pool thread maps, locked across threads by a
 * SharedMutex whose waits the threads report back for `lab_lock_*`. A pool thread that dies
 * (crash, OOM, terminated) inside or in line for that lock would wedge every later safe
 * increment; once its thread has stopped, the lock is recovered for it (robust mutex).
 */
export async function threadsRuntime(
  config: ServiceConfig,
  logger: Logger,
  metrics: ServiceMetrics,
): Promise<ModelRuntime> {
  const cell = new SharedCounterCell();
  // Pool threads take it with acquireSync (Atomics.wait); the main thread never blocks on it.
  const counterLock = new SharedMutex({ name: 'counter' });
  // The service listens (and /readyz answers 200) once this resolves: every pool thread has
  // loaded its module. Before, the first request waited for the threads' boot (a fib(1) queued
  // 66 ms) while the service already said it was ready. A pool that cannot start stops the
  // service here (main.ts exits 1).
  const pool = await startThreadPool(metrics.registry, {
    workers: config.workers,
    maxQueue: config.maxQueue,
    workerData: { counter: cell.buffer, counterLock: counterLock.handle },
    onThreadExited: (threadId) => {
      const recovery = counterLock.recoverDeadThread(threadId);
      if (recovery.wasOwner || recovery.abandonedTickets > 0) {
        logger.warn({ threadId, ...recovery }, 'recovered the counter lock from a dead thread');
      }
    },
  });
  const counter = new PoolCounter(cell, pool, ({ waitMs, holdMs }) => {
    for (const ms of waitMs) metrics.lockWaitSeconds.observe({ lock: counterLock.name }, ms / 1000);
    for (const ms of holdMs) metrics.lockHoldSeconds.observe({ lock: counterLock.name }, ms / 1000);
  });
  return { runner: pool, counter, workers: config.workers };
}
