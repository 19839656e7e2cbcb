import type { ServiceConfig } from './config';
import type { CounterStore } from './counter-store';
import type { Logger } from './logger';
import type { ServiceMetrics } from './service-metrics';
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
}

/** Contract limits, reported by `/info`. */
export const LIMITS = {
  maxBodyBytes: 8 * 1024 * 1024,
  maxImageSide: 4096,
  scrapeConcurrency: 8,
  scrapePageTimeoutMs: 5000,
} as const;
