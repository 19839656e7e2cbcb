import { appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';
import { modelInfo, type ModelName } from '@concurrency-lab/models';

/** How the suite starts the model under test: a real process, with extra environment. */
export interface ContractTarget {
  /** The `model` label the service must report. */
  model: string;
  /** Start the service with `env` added (the suite sets PORT=0, UPSTREAM_URL, limits). */
  start(env: Record<string, string>): Promise<ServiceProcess>;
  /** Threads/processes the suite asks for. @default 2 */
  workers?: number;
  /** Metric families this model exposes beyond the ones every model has (pool metrics, ...). */
  metrics?: readonly string[];
  /**
   * CPU work runs on the event loop that serves HTTP (no pool): a burst of it saturates the
   * loop, and event-loop admission must shed. @default false
   */
  cpuOnLoop?: boolean;
  /**
   * Where the model runs CPU work, checked from each answer's `pid` and `threadId`: on the
   * event loop of the process that answered, on a pool thread of it, or in another process.
   * Unset: not checked.
   */
  cpuRunsOn?: 'loop' | 'thread' | 'process';
  /** HTTP is served by several worker processes (cluster, hybrid): answers come from any. */
  httpInWorkers?: boolean;
}

/**
 * The deadline (REQUEST_TIMEOUT_MS) of the service the suite's parts share. A minute: the counter
 * parts send a million increments, which took async 16 s and then 30 s at load average 11 on 2
 * cores (CI at 8.6 ran past the 20 s it had); what they prove is exactness, not speed.
 */
export const CONTRACT_REQUEST_TIMEOUT_MS = 60_000;

/** What every model's `/metrics` carries (docs/contract.md), whatever runs the work. */
export const COMMON_METRICS = [
  'http_server_request_duration_seconds',
  'http_server_active_requests',
  'lab_shed_total',
  'lab_eventloop_utilization',
  'process_resident_memory_bytes',
  'process_cpu_seconds_total',
  'nodejs_eventloop_lag_p99_seconds',
  'nodejs_heap_size_used_bytes',
  'lab_queue_size',
  'lab_queue_wait_seconds',
  'lab_lock_wait_seconds',
  'lab_lock_hold_seconds',
] as const;

/** What a model with a pool of threads or processes exports beyond the common metrics. */
export const POOL_METRICS = [
  'lab_pool_queue_size',
  'lab_pool_utilization',
  'lab_pool_task_wait_seconds',
  'lab_pool_task_run_seconds',
] as const;

/**
 * A registry model's app, run from its built `dist/main.js`; the metric families it must
 * export beyond the common ones follow from its registry row (a pool, workers that restart).
 */
export function modelTarget(model: ModelName, workers = 2): ContractTarget {
  const { app, pool, restarts, http } = modelInfo(model);
  return {
    model,
    workers,
    metrics: [
      ...(pool ? POOL_METRICS : []),
      ...(restarts.length > 0 ? ['lab_worker_restarts_total'] : []),
    ],
    cpuOnLoop: !pool,
    // A pool restarts what it runs tasks in: threads (threads, hybrid) or processes (procpool).
    cpuRunsOn: !pool
      ? 'loop'
      : (restarts as readonly string[]).includes('thread')
        ? 'thread'
        : 'process',
    httpInWorkers: http === 'worker processes',
    start: (env) => launch(appEntry(app), { name: app, env }),
  };
}

/**
 * What the parts of the suite share. The processes start in the suite's `beforeAll`, after the
 * parts have declared their tests, so the parts read them through these getters at run time.
 */
export interface ContractContext {
  readonly target: ContractTarget;
  /** `WORKERS` for every service the suite starts. */
  readonly workers: string;
  /** The service under test (started once for the suite). */
  base(): string;
  /** The upstream site it scrapes. */
  upstreamUrl(): string;
}
