import { modelInfo } from '@concurrency-lab/models';
import { watchParent } from '@concurrency-lab/procfs';
import {
  createLogger,
  loadConfig,
  ProblemError,
  runService,
  type Logger,
  type ModelRuntime,
  type RunningService,
  type RunServiceOptions,
  type RuntimeFactory,
  type ServiceConfig,
  type ServiceMetrics,
  type WorkRunner,
} from '@concurrency-lab/service-kit';
import cluster from 'node:cluster';
import {
  ADDRESS_REFUSALS,
  CONFIG_REFUSED_EXIT_CODE,
  FINAL_METRICS_TIMEOUT_MS,
  RPC,
  workerStopBoundMs,
  type ClusterNotice,
  type MetricsAggregateParams,
} from './counter-protocol';
import { IPC_TIMEOUT } from './errors';
import { IpcCounter, serveCounterShare } from './ipc-counter';
import { RpcEndpoint, type IpcPort } from './rpc-endpoint';

/** A cluster worker runs the kit's service: its model label and tracing are the service's. */
export interface ClusterWorkerMainOptions extends Pick<RunServiceOptions, 'model' | 'tracing'> {
  /** Where this process runs CPU work (inline for cluster, a thread pool for hybrid). */
  createRunner: RuntimeFactory<WorkRunner>;
  /**
   * Whether a task holds this process's main thread while it runs (cluster: CPU work inline).
   * Such a worker reads its primary's death only between tasks; with the operator's workload
   * (`LAB_WORKLOAD`), whose tasks have no bound, it gets a watchdog thread (`watchOrphanhood`).
   * @default false
   */
  tasksOnMainThread?: boolean;
}

/** How long a worker waits for the primary's model-wide `/metrics`. */
const AGGREGATE_TIMEOUT_MS = 5000;

/**
 * How much longer than its own orphan bound a worker's watchdog waits: a main thread that is
 * free ends the worker first, its own way (the drain, or its bound's exit 1 with a line).
 */
export const WATCHDOG_MARGIN_MS = 1000;

/**
 * A worker whose tasks hold its main thread, running the operator's workload: once its primary
 * is gone, a watchdog thread SIGKILLs it if it still runs `workerStopBoundMs` (+ a margin) later.
 * Its own orphan bound is a timer on the main thread, which a stuck task never frees: without
 * this, a worker in an endless task (or a module whose load never ends) outlived a primary
 * killed outright (SIGKILL, the OOM killer) for as long as the task ran — for ever. A contract
 * workload's task is bounded (fib(40), about a second): the main thread frees, and the drain's
 * own bound holds, so those workers are spared the thread's cost (~15 MB of RSS; the lab
 * measures each model's memory). Started before the workload's module loads. A configuration
 * that does not parse starts nothing: the kit then refuses it (exit 2) as it always has.
 */
function watchOrphanhood(model: RunServiceOptions['model']): void {
  let config: ServiceConfig;
  try {
    config = loadConfig(process.env, { port: modelInfo(model).port });
  } catch {
    return;
  }
  if (config.workload === undefined) return;
  watchParent({ graceMs: workerStopBoundMs(config.shutdownTimeoutMs) + WATCHDOG_MARGIN_MS });
}

/**
 * What every cluster worker process runs besides its own runner: the counter is the primary's,
 * reached over IPC, and `/metrics` is the primary's sum of every process (this process answers
 * `metrics.collect` with its own registry). The primary asks for shares of increments too.
 * Drained, it hands its final registry to the primary before it exits (`metrics.final`).
 */
export function clusterWorkerRuntime(
  rpc: RpcEndpoint,
  runner: WorkRunner,
  config: ServiceConfig,
  metrics: ServiceMetrics,
  logger?: Logger,
): ModelRuntime {
  const shares = serveCounterShare(rpc);
  rpc.handle(RPC.metricsCollect, () => metrics.registry.getMetricsAsJSON());
  return {
    runner,
    // Drained (no HTTP request of this worker is left): the primary may still be running a
    // counter request of another worker's, with a share here. Say so, so that it sends no
    // more, and leave only once the shares already here are done — cut, the request they
    // belong to would fail 500 on a clean shutdown.
    close: async () => {
      if (process.connected) process.send?.({ kind: 'leaving' } satisfies ClusterNotice);
      await shares.idle();
      // Nothing is in flight any more and the runner is closed: these counts are final. Handed
      // over, and acknowledged, before the exit, so the primary never sees the exit first; what
      // this worker counted since its last scrape is not lost. A closed channel (the primary is
      // gone) fails at once.
      try {
        await rpc.call(RPC.metricsFinal, await metrics.registry.getMetricsAsJSON(), {
          timeoutMs: FINAL_METRICS_TIMEOUT_MS,
        });
      } catch (error) {
        if (process.connected)
          logger?.warn(
            { err: error },
            'final metrics not handed over: the primary keeps the last scrape',
          );
      }
      // A share the primary sent before it read 'leaving' is here by now: its answer above came
      // after it, on the same ordered channel. Exiting under it would fail its request 500.
      await shares.idle();
    },
    counter: new IpcCounter(rpc, config.requestTimeoutMs),
    workers: config.workers,
    // The scrape's Accept travels to the primary, which answers in that format (OpenMetrics
    // keeps the latency histogram's exemplars).
    metricsProvider: (accept) =>
      rpc
        .call<{ contentType: string; body: string }>(
          RPC.metricsAggregate,
          { accept } satisfies MetricsAggregateParams,
          { timeoutMs: AGGREGATE_TIMEOUT_MS },
        )
        .catch(busyPrimaryAsOverloaded),
  };
}

/**
 * A primary too busy to answer the model-wide `/metrics` in time: the scrape is a 503 with
 * `Retry-After`, as any bound reached is, not a 500 logged with its stack (the primary is not
 * broken, and a scrape changes nothing, so trying again is safe).
 */
export function busyPrimaryAsOverloaded(error: unknown): never {
  if ((error as { code?: unknown } | null)?.code === IPC_TIMEOUT) {
    throw new ProblemError(
      'ERR_OVERLOADED',
      `The primary did not answer the model-wide /metrics within ${AGGREGATE_TIMEOUT_MS} ms`,
      { retryAfterSeconds: 1, cause: error },
    );
  }
  throw error;
}

/** How long a drained worker stays before it exits (see `lingerBeforeExitMs`). */
export const WORKER_EXIT_LINGER_MS = 250;

/**
 * What a cluster worker leaves to its primary. Sent to the process group (Ctrl-C in a terminal,
 * `kill -- -<pgid>`, a supervisor stopping the group), they reach every worker as well as the
 * primary, which asks each worker to drain: a worker that acted on them too drained twice, was
 * killed mid-drain by a second Ctrl-C (the kit's handler is a `once`: the next one gets the
 * default action), and died on a SIGHUP meant for a rolling restart.
 */
export const PRIMARY_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;

/**
 * `started`, or — when the shared port cannot be bound (taken, privileged, not this host's) —
 * the configuration exit: respawned, every worker would fail the same way, so the primary must
 * stop rather than spend its crash budget on it (20 s of back-off before a launcher heard why).
 */
async function listenOrRefuse(started: Promise<RunningService>): Promise<RunningService> {
  try {
    return await started;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code !== 'string' || !ADDRESS_REFUSALS.has(code)) throw error;
    process.stderr.write(`worker cannot listen (${code}): ${(error as Error).message}\n`);
    process.exit(CONFIG_REFUSED_EXIT_CODE);
  }
}

/** Does nothing: a listener that keeps a signal's default action (death) away. */
const ignoreSignal = () => undefined;

/**
 * What a send fails with when the primary at the other end of the channel is gone: EPIPE or
 * ECONNRESET when the write meets the closed socket before this process has read its end,
 * ERR_IPC_CHANNEL_CLOSED once it has. Nothing else emits these on `process`.
 */
const CHANNEL_GONE: ReadonlySet<unknown> = new Set([
  'EPIPE',
  'ECONNRESET',
  'ERR_IPC_CHANNEL_CLOSED',
]);

/**
 * Where Node's cluster code says this worker is: `listening` once its server has the socket the
 * primary shares (lib/internal/cluster/child.js). Not in Node's types: undocumented, but kept
 * there since the cluster module has a worker state.
 */
const workerState = () => (cluster.worker as { state?: string } | null | undefined)?.state;

/** The line of a worker whose primary went before it listened (it leaves at once). */
export const PRIMARY_GONE_BEFORE_LISTENING = 'primary gone before this worker listened: leaving';

/**
 * A cluster model's worker `main`: the contract's app on the port the primary shares, with the
 * model's runner and the cluster's counter and metrics. Says `ready` to the primary once it
 * listens; drains when the primary asks (rolling restart, shutdown) or disappears (a primary
 * SIGKILLed or ended by a fatal error closes the channel: the requests in flight here are
 * answered, then it exits, within `workerStopBoundMs`; a worker still booting, which never
 * listened, exits 0 at once with one `warn`, `PRIMARY_GONE_BEFORE_LISTENING`), and only then:
 * SIGINT, SIGTERM and SIGHUP are the primary's (`PRIMARY_SIGNALS`), and ignored here.
 */
export async function runClusterWorker(options: ClusterWorkerMainOptions): Promise<RunningService> {
  if (!process.send) throw new Error(`the ${options.model} worker runs only as a cluster worker`);
  const rpc = new RpcEndpoint(process as unknown as IpcPort);
  // Listen for the primary before booting: a shutdown asked while this worker still starts (the
  // primary stopping during a respawn) is kept and honoured once it listens — dropped, the
  // worker would run on until the primary's kill timeout, and the model exit unclean.
  let running: RunningService | undefined = undefined;
  let stopAsked: string | undefined;
  const stop = (reason: string) => {
    if (running) running.stop(reason);
    else stopAsked ??= reason;
  };
  process.on('message', (message: ClusterNotice) => {
    if (message?.kind === 'shutdown') stop('primary asked');
  });
  // Orphaned, nobody will SIGKILL this worker if its drain hangs: it ends itself past the bound
  // its primary would have given it. Armed once both the primary is gone and the configuration
  // (SHUTDOWN_TIMEOUT_MS) is known, whichever comes last; unref'd, it never holds the exit.
  let primaryGone = false;
  let settings: { config: ServiceConfig; logger: Logger } | undefined;
  const armOrphanBound = () => {
    if (!primaryGone || !settings) return;
    const { config, logger } = settings;
    const boundMs = workerStopBoundMs(config.shutdownTimeoutMs);
    setTimeout(() => {
      logger.error({ boundMs }, 'primary gone and the drain overran its bound: exiting');
      process.exit(1);
    }, boundMs).unref();
  };
  // The primary is gone: nobody will route to us or hold the counter; drain and leave. Its calls
  // fail at once, and nothing more is sent on the closed channel. Seen once, by whichever comes
  // first: the disconnect, or a send that failed on the dead channel.
  const leaveOrphaned = (channelError?: unknown) => {
    if (primaryGone) return;
    primaryGone = true;
    rpc.close();
    // Not listening yet, and never will: Node's cluster asks the primary for the listening
    // socket (`queryServer`) and waits for its answer, which a dead primary never sends. No
    // connection can have reached this worker, so there is nothing to drain; waiting would
    // leave it hanging (until the orphan bound's exit 1) or dropping out without a word. Node
    // says `listening` once the server has its socket, before the kit returns: that worker's
    // stop is kept and honoured then, below.
    if (!running && workerState() !== 'listening') {
      // Before the configuration is read (a workload still loading) there is no logger yet: the
      // kit's, at the level of this line.
      const logger = settings?.logger ?? createLogger(options.model, 'warn');
      const fields = { reason: 'primary disconnected', ...(channelError ? { channelError } : {}) };
      logger.warn(fields, PRIMARY_GONE_BEFORE_LISTENING);
      process.exit(0);
    }
    stop('primary disconnected');
    armOrphanBound();
  };
  // Prepended, and marking the disconnect as expected: Node's own worker code
  // (lib/internal/cluster/child.js, `_setupWorker`) listens first and calls process.exit(0) on
  // a disconnect unless `cluster.worker.exitedAfterDisconnect` is true. Left to it, a primary's
  // death cut every request in flight here (empty replies) and this handler never ran. The flag
  // is read nowhere else in a worker process (the primary's copy is its own). Set even when a
  // failed send saw the primary's death first: the drain is under way.
  process.prependOnceListener('disconnect', () => {
    if (cluster.worker) cluster.worker.exitedAfterDisconnect = true;
    leaveOrphaned();
  });
  // Node's own cluster messages (the boot's `queryServer` and `listening`, a handed connection's
  // ack) are sent without a callback: failed, they are an 'error' event on `process`, which
  // Node's worker code hands on to `cluster.worker` (lib/internal/cluster/worker.js) — thrown
  // there when nothing listens. A primary that died while this worker booted made it a fatal
  // uncaughtException (a `fatal` line, exit 1) where it should leave. A channel error is the
  // disconnect seen first; any other error is thrown from here as it was before.
  cluster.worker?.on('error', (error: Error & { code?: unknown }) => {
    if (!CHANNEL_GONE.has(error?.code)) throw error;
    leaveOrphaned(error.code);
  });
  for (const signal of PRIMARY_SIGNALS) process.on(signal, ignoreSignal);
  if (options.tasksOnMainThread) watchOrphanhood(options.model);
  const service = await listenOrRefuse(
    runService({
      model: options.model,
      listeningMessage: 'worker listening',
      // Answer the primary's last hand-offs (refused, so it gives them to another worker) before
      // leaving (the likely cause of a request hanging 10 s in CI on a rolling restart, one new
      // connection per request).
      lingerBeforeExitMs: WORKER_EXIT_LINGER_MS,
      ...(options.tracing ? { tracing: options.tracing } : {}),
      handleSignals: false,
      createRuntime: async (config, logger, metrics) => {
        settings = { config, logger };
        armOrphanBound();
        return clusterWorkerRuntime(
          rpc,
          await options.createRunner(config, logger, metrics),
          config,
          metrics,
          logger,
        );
      },
    }),
  );
  const address = service.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  running = service;
  if (stopAsked !== undefined) service.stop(stopAsked);
  else process.send({ kind: 'ready', port } satisfies ClusterNotice);
  return service;
}
