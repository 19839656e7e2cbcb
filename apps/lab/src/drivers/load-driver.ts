import type { IntervalWindow } from './interval-window';

/** One stream of requests a driver sends during a scenario (a scenario may run several at once). */
export interface StreamPlan {
  name: string;
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  /** Fixed arrival rate in req/s across all connections; undefined = as fast as possible. */
  rate: number | undefined;
  measure: boolean;
}

export interface LatencySummary {
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
  mean: number;
}

/** What one stream did, measured by the driver (latencies in ms). */
export interface StreamResult {
  name: string;
  measure: boolean;
  durationSeconds: number;
  /** Requests sent. */
  sent: number;
  /** 2xx answers. */
  ok: number;
  /** Non-2xx answers, connection errors and timeouts. */
  failed: number;
  /**
   * Not sent: requests a fixed arrival rate called for while every connection was busy waiting
   * for an answer (the model was saturated). By design in saturation scenarios; not failures.
   */
  dropped: number;
  /** Failures by HTTP status, or `error`/`timeout`. */
  failures: Record<string, number>;
  /** 2xx answers per second. */
  rps: number;
  latencyMs: LatencySummary;
}

export interface DriverRun {
  streams: StreamPlan[];
  /**
   * Seconds of load before the measurement: warms the model up (JIT, pools, connections) and
   * is left out of every figure.
   */
  warmupSeconds: number;
  /** Seconds measured after the warm-up. */
  durationSeconds: number;
  /** What is being run, for drivers that run whole scenario scripts (k6). */
  scenarioId: string;
  model: string;
  baseUrl: string;
  /**
   * Where a driver that {@link LoadDriver.recordsIntervals records intervals} records each 2xx
   * answer of the measured stream in the window, as it comes, with its latency. Undefined for
   * one that does not.
   */
  window?: IntervalWindow;
  /** Called once when the measurement starts (the sampler starts then). */
  onMeasure?(): void;
}

/**
 * A load generator. autocannon (npm) is the default, so the lab runs on a bare machine; k6 plugs
 * in through the same interface. All streams of a run go at once; each is measured on its own,
 * over the measurement only — the results describe the window after the warm-up.
 */
export interface LoadDriver {
  readonly name: string;
  /**
   * Whether it records each answer into `run.window` as it comes, so each sample has its
   * interval's req/s and p99. One that does not (k6 hands over one summary when it ends) leaves
   * them null in every sample — unknown, not 0 — and the summary's figures are its own.
   */
  readonly recordsIntervals: boolean;
  run(run: DriverRun): Promise<StreamResult[]>;
}

export { DriverUnavailableError } from '../errors';
