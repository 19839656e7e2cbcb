import { createRestartsCounter } from '@concurrency-lab/service-kit';
import { Gauge, Histogram, type Registry, type RegistryContentType } from 'prom-client';
import type { ThreadPoolOptions, ThreadPoolRunner } from './thread-pool-runner';

type Hooks = Pick<ThreadPoolOptions, 'onTaskTiming' | 'onThreadReplaced'>;

const TASK_BUCKETS = [
  0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30,
];

/**
 * The contract's pool metrics, read from the runner's `stats()` snapshot at scrape time and fed
 * per task through its hooks: `lab_pool_queue_size`, `lab_pool_utilization`,
 * `lab_pool_task_wait_seconds`, `lab_pool_task_run_seconds`,
 * `lab_worker_restarts_total{kind="thread"}`.
 */
export function registerPoolMetrics(
  registry: Registry<RegistryContentType>,
  create: (hooks: Hooks) => ThreadPoolRunner,
): ThreadPoolRunner {
  const wait = new Histogram({
    name: 'lab_pool_task_wait_seconds',
    help: 'Time a task waited in the pool queue for a thread.',
    buckets: TASK_BUCKETS,
    registers: [registry],
  });
  const run = new Histogram({
    name: 'lab_pool_task_run_seconds',
    help: 'Time a task ran on a pool thread.',
    buckets: TASK_BUCKETS,
    registers: [registry],
  });
  const restarts = createRestartsCounter(registry, 'thread');
  const runner = create({
    onTaskTiming: (waitSeconds, runSeconds) => {
      wait.observe(waitSeconds);
      run.observe(runSeconds);
    },
    onThreadReplaced: () => restarts.inc({ kind: 'thread' }),
  });
  new Gauge({
    name: 'lab_pool_queue_size',
    help: 'Tasks waiting for a pool thread.',
    registers: [registry],
    collect() {
      this.set(runner.stats().queued);
    },
  });
  new Gauge({
    name: 'lab_pool_utilization',
    help: 'Share of the pool threads busy running tasks now (0..1).',
    registers: [registry],
    collect() {
      const s = runner.stats();
      this.set(s.size === 0 ? 0 : Math.min(1, s.running / s.size));
    },
  });
  return runner;
}
