import { RUNNER_CLOSE_TIMEOUT_MS, SPAN_FLUSH_TIMEOUT_MS } from '@concurrency-lab/service-kit';

/** The RPC methods between cluster processes, named once. */
export const RPC = {
  /** worker → primary */
  counterGet: 'counter.get',
  counterSet: 'counter.set',
  counterAdd: 'counter.add',
  counterReset: 'counter.reset',
  counterIncrement: 'counter.increment',
  metricsAggregate: 'metrics.aggregate',
  /** A drained worker's registry, its last word before it exits (`MetricsRelay.retireFinal`). */
  metricsFinal: 'metrics.final',
  /** primary → worker */
  counterShare: 'counter.share',
  metricsCollect: 'metrics.collect',
} as const;

export interface IncrementParams {
  times: number;
  safe: boolean;
}

/** `metrics.aggregate`: the scrape's `Accept` header picks the format (OpenMetrics or not). */
export interface MetricsAggregateParams {
  accept: string | undefined;
}

/**
 * Messages that are not RPC: a worker says it is listening; the primary asks it to drain; a
 * drained worker says it is leaving (send it no more counter shares: it exits once the ones it
 * has are done).
 */
export type ClusterNotice =
  { kind: 'ready'; port: number } | { kind: 'shutdown' } | { kind: 'leaving' };

/**
 * A share of increments done with this many round trips at most: unsafe = get then set of
 * (value + batch), safe = one atomic add of batch. Batching keeps a million increments from
 * being two million IPC messages, and it does not hide the race — a whole batch is lost when
 * another process writes between our get and our set.
 */
export const MAX_ROUND_TRIPS_PER_SHARE = 1000;

/**
 * How much longer than the request's deadline an increment call (worker → primary) or a share
 * (primary → worker) may wait. The deadline, through the call's signal, is what ends a slow
 * increment: answered 504 and cancelled on the other side. The call's own timeout is only a net
 * for a process that stopped answering. Equal to the deadline, the two timers raced, and a
 * third of the late requests of a burst were answered 500 (`ERR_CLUSTER_IPC_TIMEOUT`), not 504.
 */
export const INCREMENT_TIMEOUT_MARGIN_MS = 1000;

/**
 * How long a drained worker waits for the primary to take its final metrics (`metrics.final`)
 * before it exits anyway, so a stuck primary never holds its exit: the primary then counts it
 * with its last scrape. The primary's kill timer for a drained worker adds it to the worker's
 * other budgets, and so does the launcher's KILL_AFTER_MS. The primary's answer is one
 * synchronous sum.
 */
export const FINAL_METRICS_TIMEOUT_MS = 500;

/**
 * The longest a worker asked to stop (or orphaned: its primary gone) may take before it is
 * ended: its drain (`shutdownTimeoutMs`), its runner's close (RUNNER_CLOSE_TIMEOUT_MS), its span
 * flush (SPAN_FLUSH_TIMEOUT_MS), its final metrics' handover (FINAL_METRICS_TIMEOUT_MS) and a
 * second for its last hand-offs (a pool's close past its limit, the linger) and exit. The
 * primary SIGKILLs a worker past it; a worker whose primary died exits 1 past it on its own,
 * since nobody is left to kill it.
 */
export function workerStopBoundMs(shutdownTimeoutMs: number): number {
  return (
    shutdownTimeoutMs +
    RUNNER_CLOSE_TIMEOUT_MS +
    SPAN_FLUSH_TIMEOUT_MS +
    FINAL_METRICS_TIMEOUT_MS +
    1000
  );
}

/**
 * How a service process says it refused its configuration (`runService`: a bad variable, an
 * unusable `LAB_WORKLOAD` module; a worker: a port it cannot bind), as opposed to a crash (1) or
 * a signal. The primary does not respawn a worker that exits with it before any was ready.
 */
export const CONFIG_REFUSED_EXIT_CODE = 2;

/** Listen errors every worker of the model would meet again: the address, not the worker. */
export const ADDRESS_REFUSALS: ReadonlySet<string> = new Set([
  'EADDRINUSE',
  'EACCES',
  'EADDRNOTAVAIL',
]);
