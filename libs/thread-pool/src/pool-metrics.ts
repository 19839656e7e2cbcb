import { createRestartsCounter } from '@concurrency-lab/service-kit';
import { Gauge, Histogram, type Registry, type RegistryContentType } from 'prom-client';

/** What a pool reports per task and per replaced worker, wired to the metrics below. */
export interface PoolMetricHooks {
  /**
   * One task's wait for a worker and run on it, in seconds, however it ended; a task that never
   * reached a worker (cancelled in the queue) has a wait and no run.
   */
  onTaskTiming: (waitSeconds: number, runSeconds?: number) => void;
  /** A worker died (crash, out of memory, or terminated to cancel its task) and was replaced. */
  onWorkerReplaced: () => void;
}

/** The pool's load now, read at scrape time. */
export interface PoolLoad {
  stats(): { queued: number; running: number; size: number };
}

const TASK_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/**
 * The contract's pool metrics, for a pool of threads or of processes: read from the pool's
 * `stats()` snapshot at scrape time and fed per task through the hooks `create` receives —
 * `lab_pool_queue_size`, `lab_pool_utilization`, `lab_pool_task_wait_seconds`,
 * `lab_pool_task_run_seconds`, `lab_worker_restarts_total{kind}`.
 *
 * Where several processes each have a pool (hybrid), the primary sums their registries; the
 * utilization is averaged instead (equal pools: busy workers ÷ all workers), a sum could pass 1.
 */
export function registerPoolMetrics<P extends PoolLoad>(
  registry: Registry<RegistryContentType>,
  kind: 'thread' | 'process',
  create: (hooks: PoolMetricHooks) => P,
): P {
  const wait = new Histogram({
    name: 'lab_pool_task_wait_seconds',
    help: 'Time a task waited in the pool queue for a worker.',
    buckets: TASK_BUCKETS,
    registers: [registry],
  });
  const run = new Histogram({
    name: 'lab_pool_task_run_seconds',
    help: 'Time a task ran on a pool worker.',
    buckets: TASK_BUCKETS,
    registers: [registry],
  });
  const restarts = createRestartsCounter(registry, kind);
  const pool = create({
    onTaskTiming: (waitSeconds, runSeconds) => {
      wait.observe(waitSeconds);
      if (runSeconds !== undefined) run.observe(runSeconds);
    },
    onWorkerReplaced: () => restarts.inc({ kind }),
  });
  new Gauge({
    name: 'lab_pool_queue_size',
    help: 'Tasks waiting for a pool worker.',
    registers: [registry],
    collect() {
      this.set(pool.stats().queued);
    },
  });
  new Gauge({
    name: 'lab_pool_utilization',
    help: 'Share of the pool workers busy running tasks now (0..1).',
    registers: [registry],
    aggregator: 'average',
    collect() {
      const s = pool.stats();
      this.set(s.size === 0 ? 0 : Math.min(1, s.running / s.size));
    },
  });
  return pool;
}
