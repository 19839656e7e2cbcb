/**
 * threads-service: one process; express on the main thread, every CPU task on a pool of worker
 * threads (piscina), the shared counter in a SharedArrayBuffer that all pool threads map.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { MODEL_PORTS, runService } from '@concurrency-lab/service-kit';
import { join } from 'node:path';
import { PoolCounter } from './pool-counter';
import { registerPoolMetrics } from './pool-metrics';
import { SharedCounterCell } from './shared-counter';
import { ThreadPoolRunner } from './thread-pool-runner';

void runService({
  model: 'threads',
  defaultPort: MODEL_PORTS.threads,
  tracing,
  createRuntime: (config, _logger, metrics) => {
    const cell = new SharedCounterCell();
    const pool = registerPoolMetrics(
      metrics.registry,
      (hooks) =>
        new ThreadPoolRunner({
          filename: join(__dirname, 'pool-worker.js'),
          workers: config.workers,
          maxQueue: config.maxQueue,
          workerData: { counter: cell.buffer },
          ...hooks,
        }),
    );
    return { runner: pool, counter: new PoolCounter(cell, pool), workers: config.workers };
  },
});
