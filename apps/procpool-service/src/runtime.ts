import { CounterManager, type ShareRunner } from '@concurrency-lab/cluster-runtime';
import type {
  CounterStore,
  Logger,
  ModelRuntime,
  ServiceConfig,
  ServiceMetrics,
} from '@concurrency-lab/service-kit';
import { registerPoolMetrics } from '@concurrency-lab/thread-pool';
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { ManagerServer } from './manager-server';
import { addPoolProcessesToProcessMetrics, PoolProcessUsage } from './pool-process-usage';
import { ProcessPoolRunner } from './process-pool-runner';

/**
 * The task module of the pool's processes. `PROCPOOL_TASKS_MODULE` replaces it — for fault
 * drills only (the e2e tests load one that can kill its own process); unset, it is ours.
 */
export function tasksModule(env: NodeJS.ProcessEnv = process.env): string {
  return env['PROCPOOL_TASKS_MODULE'] || join(__dirname, 'pool-tasks.js');
}

/**
 * The counter's parties (CounterManager's): one share per pool process, each a pool task that
 * runs in one of the pool's processes and calls back to the manager `server()` serves. Each is
 * named by a token, so that a cancelled request's shares are stopped at the manager, not
 * killed; and the manager holds each one, once connected, until all of them are (`ready`), so
 * a share refused at its connection (503) fails its request before any share has added.
 * (`server` is read when a request runs: the server is made from the manager these parties are
 * given to.)
 */
export function poolShares(
  runner: Pick<ProcessPoolRunner, 'workers' | 'counterShare'>,
  server: () => ManagerServer,
): () => readonly ShareRunner[] {
  return () =>
    Array.from({ length: runner.workers }, (): ShareRunner => (share, signal, ready) => {
      const manager = server();
      const token = randomUUID();
      if (ready) manager.hold(token, ready);
      return runner
        .counterShare(
          { ...share, address: manager.address, authkey: manager.authkey, token },
          signal,
          () => manager.cut(token),
        )
        .finally(() => manager.release(token));
    });
}

/**
 * The procpool model: one HTTP process; every CPU task goes to a `ProcessPoolExecutor` of
 * `WORKERS` child processes. The counter lives in the HTTP process as a manager (Python's
 * `multiprocessing.Manager`): an increment request is split over the pool's processes, and each
 * one's share gets and sets — or adds to — the HTTP process's value over a Unix socket. The
 * lesson: processes share nothing; a value they all update lives in one of them, every access
 * is a round trip, and get-then-set round trips from two processes lose updates.
 */
export async function procpoolRuntime(
  config: ServiceConfig,
  _logger: Logger,
  metrics: ServiceMetrics,
  { onPoolBroken }: { onPoolBroken?: (cause: Error) => void } = {},
): Promise<ModelRuntime> {
  // `/metrics` answers for the whole model: the pool's processes' CPU and memory too.
  addPoolProcessesToProcessMetrics(metrics.registry, new PoolProcessUsage());
  const runner = registerPoolMetrics(
    metrics.registry,
    'process',
    (hooks) =>
      new ProcessPoolRunner({
        filename: tasksModule(),
        workers: config.workers,
        maxQueue: config.maxQueue,
        ...(onPoolBroken ? { onBroken: onPoolBroken } : {}),
        ...hooks,
      }),
  );
  const manager: CounterManager = new CounterManager(poolShares(runner, () => server));
  const server: ManagerServer = new ManagerServer(manager);
  const started = await Promise.allSettled([server.listen(), runner.warmUp()]);
  const failed = started.find((outcome) => outcome.status === 'rejected');
  if (failed) {
    await Promise.allSettled([runner.close(), server.close()]);
    throw failed.reason;
  }
  const counter: CounterStore = {
    increment: (times, safe, signal) => manager.increment({ times, safe }, signal),
    read: () => Promise.resolve(manager.value),
    reset: () => Promise.resolve(manager.reset()),
  };
  return { runner, counter, workers: config.workers, close: () => server.close() };
}
