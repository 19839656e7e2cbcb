import type { ServiceConfig } from './config';
import type { CounterStore } from './counter-store';
import type { EventLoopMonitor } from './event-loop-monitor';
import type { Logger } from './logger';
import type { ServiceMetrics } from './service-metrics';
import type { WorkQueue } from '@concurrency-lab/queues';
import type { CustomWorkload } from '@concurrency-lab/workloads';
import type { WorkRunner } from './work-runner';

/** Lifecycle flags that probes and the admission gate read. */
export interface ServiceState {
  /** False while starting; `/readyz` answers 503 until `listen` completes. */
  ready: boolean;
  /**
   * True after SIGTERM/SIGINT: `/readyz` 503, every answer closes its connection, in-flight
   * work finishes. New work is still served in the first half of the shutdown budget.
   */
  draining: boolean;
  /** `performance.now()` after which new work is refused with `ERR_SHUTTING_DOWN`. */
  refuseNewWorkAt: number;
  /** Work requests admitted and not yet answered (bounded by `maxQueue`). */
  inFlightWork: number;
  /**
   * Bytes of request bodies being read or held, reserved before reading (bounded by
   * `LIMITS.maxBodyBytesInFlight`): see `reserveBodyBytes`.
   */
  bodyBytesInFlight: number;
}

/** A custom `/metrics` (cluster relays every process's registry through the primary). */
export type MetricsProvider = (
  accept: string | undefined,
) => Promise<{ contentType: string; body: string }>;

/** Everything a route needs; built once per service by `createApp`. */
export interface ServiceContext {
  model: string;
  config: ServiceConfig;
  runner: WorkRunner;
  counter: CounterStore;
  metrics: ServiceMetrics;
  metricsProvider: MetricsProvider;
  logger: Logger;
  state: ServiceState;
  /** What `/info` reports as `workers` (threads or processes). */
  workers: number;
  /**
   * Every upstream fetch of `/io/scrape`, process-wide: at most `upstreamConcurrency` sockets
   * open and `maxQueue` fetches waiting; beyond that a scrape is refused with 503.
   */
  fetchQueue: WorkQueue;
  /** Event-loop admission (`MAX_EVENT_LOOP_*`); undefined when both checks are off. */
  loop: EventLoopMonitor | undefined;
  /**
   * The operator's workload (`LAB_WORKLOAD`) and the index of the input the next request without
   * `i` gets; undefined when none is configured (`/work/custom` is then a 404).
   */
  workload: { workload: CustomWorkload; next: number } | undefined;
}

/** Contract limits, reported by `/info`. */
export const LIMITS = {
  maxBodyBytes: 8 * 1024 * 1024,
  /**
   * Bytes of upload bodies being read or held at once, per process: 16 bodies at their limit.
   * `MAX_QUEUE` bounds uploads by count, not by size: 1,000 trickling 8 MiB uploads are 8 GiB.
   */
  maxBodyBytesInFlight: 128 * 1024 * 1024,
  maxImageSide: 4096,
  scrapeConcurrency: 8,
  /** Upstream fetches in flight per process (all scrape requests together). */
  upstreamConcurrency: 32,
  scrapePageTimeoutMs: 5000,
} as const;
