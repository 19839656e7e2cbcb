import { AggregatorRegistry, Registry } from 'prom-client';
import { registerPoolMetrics, type PoolMetricHooks } from '../src/pool-metrics';

/** The pool metrics over a pool whose load the test sets; its hooks and the registry's lines. */
async function poolMetrics(load: { queued: number; running: number; size: number }) {
  const registry = new Registry();
  let hooks!: PoolMetricHooks;
  registerPoolMetrics(registry, 'thread', (given) => {
    hooks = given;
    return { stats: () => load };
  });
  return {
    hooks,
    value: async (name: string) => {
      const line = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${name} `));
      return Number(line?.split(' ')[1]);
    },
  };
}

describe('registerPoolMetrics', () => {
  it('reads the queue and the utilization from the pool at scrape time: waiting tasks only, busy ÷ all', async () => {
    const { value } = await poolMetrics({ queued: 3, running: 1, size: 2 });
    expect(await value('lab_pool_queue_size')).toBe(3);
    // The running task alone: the 3 waiting are not busy workers.
    expect(await value('lab_pool_utilization')).toBe(0.5);
  });

  it('never reads a utilization past 1, nor other than 0 for a pool of no workers', async () => {
    // procpool's executor counts tasks held for a booting process as running: more than size.
    expect(
      await (await poolMetrics({ queued: 0, running: 3, size: 2 })).value('lab_pool_utilization'),
    ).toBe(1);
    // A pool closed, or whose threads all failed their boot: no NaN on the scrape.
    expect(
      await (await poolMetrics({ queued: 0, running: 0, size: 0 })).value('lab_pool_utilization'),
    ).toBe(0);
  });

  it("averages the utilization over the processes' registries (hybrid's primary), sums the queue", async () => {
    const registries = [
      { queued: 1, running: 2, size: 2 },
      { queued: 2, running: 0, size: 2 },
    ].map((load) => {
      const registry = new Registry();
      registerPoolMetrics(registry, 'thread', () => ({ stats: () => load }));
      return registry;
    });
    const summed = AggregatorRegistry.aggregate(
      await Promise.all(registries.map((registry) => registry.getMetricsAsJSON())),
    );
    const text = await summed.metrics();
    const value = (name: string) =>
      Number(
        text
          .split('\n')
          .find((l) => l.startsWith(`${name} `))
          ?.split(' ')[1],
      );
    // One pool busy, one idle: half the model's threads busy; a sum would say all (1).
    expect(value('lab_pool_utilization')).toBe(0.5);
    expect(value('lab_pool_queue_size')).toBe(3);
  });

  it('times every task’s wait, and a run only for a task that reached a worker', async () => {
    const { hooks, value } = await poolMetrics({ queued: 0, running: 0, size: 2 });
    hooks.onTaskTiming(0.25); // cancelled in the queue: a wait, no run
    hooks.onTaskTiming(0.5, 0.75);
    expect(await value('lab_pool_task_wait_seconds_count')).toBe(2);
    expect(await value('lab_pool_task_wait_seconds_sum')).toBe(0.75);
    expect(await value('lab_pool_task_run_seconds_count')).toBe(1);
    expect(await value('lab_pool_task_run_seconds_sum')).toBe(0.75);
  });

  it('counts each replaced worker in lab_worker_restarts_total{kind}', async () => {
    const { hooks, value } = await poolMetrics({ queued: 0, running: 0, size: 2 });
    expect(await value('lab_worker_restarts_total{kind="thread"}')).toBe(0);
    hooks.onWorkerReplaced();
    hooks.onWorkerReplaced();
    expect(await value('lab_worker_restarts_total{kind="thread"}')).toBe(2);
  });
});
