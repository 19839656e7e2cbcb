import {
  createLockHistograms,
  createLogger,
  createProcessRegistry,
  createRestartsCounter,
  exitOnFatalErrors,
  flushSpans,
  claimLifeline,
  httpUrl,
  LIFELINE_LOST_MESSAGE,
  LIFELINE_REASON,
  loadConfig,
  observeLockMetrics,
  watchLifeline,
  type ServiceConfig,
} from '@concurrency-lab/service-kit';
import { modelInfo, type ModelName } from '@concurrency-lab/models';
import { AddressRefusedError, ClusterPrimary, WorkerRefusedConfigError } from './cluster-primary';
import { respawnFromEnv } from './primary-config';
import type { RespawnOptions } from './respawn-policy';

export interface ClusterPrimaryMainOptions {
  /** The model's registry label (its port is the default `PORT`). */
  model: ModelName;
  /** The worker processes' entry file (built JS); `CLUSTER_WORKER_ENTRY` overrides it. */
  workerEntry: string;
  /** Flushed after the workers drained, before exit. */
  tracing?: { shutdown(): Promise<void> };
  env?: NodeJS.ProcessEnv;
}

/**
 * A cluster model's primary `main`: read the contract's configuration and the respawn tuning,
 * fork `WORKERS` processes that share the port, log `listening` once all listen, and answer
 * SIGTERM/SIGINT and the end of its lifeline (`LAB_LIFELINE`: the launcher is gone) — drain
 * every worker; exit 0 when all exited cleanly — and SIGHUP (rolling restart). The primary
 * holds what is one per model: the counter and the metrics aggregation.
 *
 * The primary never loads the operator's `LAB_WORKLOAD` module: its top-level code (a timer it
 * leaves behind, say) would run here, where an error takes every worker down with it. The
 * workers load and check it; one that refuses it before the model was ready (exit 2, its
 * `ERR_WORKLOAD_MODULE` line on the shared stderr) stops the start: the workers are stopped and
 * the primary exits 2. An error nothing handled in the primary is logged at `fatal` and ends it
 * (exit 1), as in every service; its workers, their channel closed, drain and leave.
 */
export function runClusterPrimary(options: ClusterPrimaryMainOptions): ClusterPrimary {
  const env = options.env ?? process.env;
  let config: ServiceConfig;
  let respawn: Partial<RespawnOptions>;
  try {
    config = loadConfig(env, { port: modelInfo(options.model).port });
    claimLifeline(config.lifeline);
    respawn = respawnFromEnv(env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }

  const logger = createLogger(options.model, config.logLevel).child({ role: 'primary' });
  exitOnFatalErrors({ logger, tracing: options.tracing });
  const registry = createProcessRegistry(options.model);
  const restarts = createRestartsCounter(registry, 'process');
  // The primary's own locks (the counter's request lock) count toward the model's lab_lock_*.
  observeLockMetrics(createLockHistograms(registry));

  const primary = new ClusterPrimary({
    workers: config.workers,
    entry: env['CLUSTER_WORKER_ENTRY'] || options.workerEntry,
    logger,
    registry,
    restarts,
    shutdownTimeoutMs: config.shutdownTimeoutMs,
    requestTimeoutMs: config.requestTimeoutMs,
    respawn,
    listen: { host: config.host, port: config.port },
    onFatal: (reason) => {
      logger.fatal({ reason }, 'cannot serve');
      process.exit(1);
    },
  });

  let stopping = false;
  const stop = (why: { signal: NodeJS.Signals } | { reason: typeof LIFELINE_REASON }) => {
    if (stopping) return;
    stopping = true;
    logger.info(why, 'shutting down');
    primary.shutdown().then(
      async (clean) => {
        await flushSpans(options.tracing, { logger });
        logger.info({ clean }, 'stopped');
        process.exit(clean ? 0 : 1);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  // The launcher is gone (LAB_LIFELINE): drain every worker, as on SIGTERM. Armed before the
  // first fork, so the workers' environment no longer has the variable: the lifeline is this
  // process's alone.
  watchLifeline(config.lifeline, () => {
    logger.warn({ lifeline: config.lifeline }, LIFELINE_LOST_MESSAGE);
    stop({ reason: LIFELINE_REASON });
  });

  // Before the first fork, as the lifeline: a signal while the workers are forked is then a
  // drain (start() refuses or gives up once shutdown began), where Node's default action killed
  // the primary and left each worker forked so far to die of an EPIPE.
  const onSignal = (signal: NodeJS.Signals) => stop({ signal });
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
  process.on('SIGHUP', () => {
    primary.rollingRestart().catch((error: unknown) => {
      logger.error({ err: error }, 'rolling restart failed');
    });
  });

  primary.start().then(
    (port) => {
      logger.info(
        {
          port,
          host: config.host,
          workers: config.workers,
          workerPids: primary.workerPids,
          url: httpUrl(config.host, port),
        },
        'listening',
      );
    },
    (error: unknown) => {
      // A SIGTERM came first: start() refused, or gave up, because shutdown began; the
      // stop handler above ends the process (0 when clean).
      if (stopping) return;
      stopping = true;
      logger.fatal({ err: error }, 'cluster failed to start');
      // The workers still there are stopped before the primary goes (a signal meanwhile changes
      // nothing); a refused configuration exits with the workers' own code (2), else 1.
      const code =
        error instanceof WorkerRefusedConfigError || error instanceof AddressRefusedError
          ? error.exitCode
          : 1;
      const exit = () => process.exit(code);
      primary.shutdown().then(exit, exit);
    },
  );

  return primary;
}
