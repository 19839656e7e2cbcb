/**
 * threads-service: one process; express on the main thread, every CPU task on a pool of worker
 * threads (piscina), the shared counter in a SharedArrayBuffer that all pool threads map.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runService } from '@concurrency-lab/service-kit';
import { SharedMutex } from '@concurrency-lab/locks';
import { join } from 'node:path';
import { PoolCounter } from './pool-counter';
import { registerPoolMetrics } from './pool-metrics';
import { SharedCounterCell } from './shared-counter';
import { ThreadPoolRunner } from './thread-pool-runner';

void runService({
  model: 'threads',
  tracing,
  createRuntime: (config, _logger, metrics) => {
    const cell = new SharedCounterCell();
    // Pool threads take it with acquireSync (Atomics.wait); the main thread never blocks on it.
    const counterLock = new SharedMutex({ name: 'counter' });
    const pool = registerPoolMetrics(
      metrics.registry,
      (hooks) =>
        new ThreadPoolRunner({
          filename: join(__dirname, 'pool-worker.js'),
          workers: config.workers,
          maxQueue: config.maxQueue,
          workerData: { counter: cell.buffer, counterLock: counterLock.handle },
          ...hooks,
        }),
    );
    const counter = new PoolCounter(cell, pool, ({ waitMs, holdMs }) => {
      for (const ms of waitMs)
        metrics.lockWaitSeconds.observe({ lock: counterLock.name }, ms / 1000);
      for (const ms of holdMs)
        metrics.lockHoldSeconds.observe({ lock: counterLock.name }, ms / 1000);
    });
    return { runner: pool, counter, workers: config.workers };
  },
});
