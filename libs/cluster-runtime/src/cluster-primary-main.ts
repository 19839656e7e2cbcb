import {
  createLockHistograms,
  createLogger,
  createProcessRegistry,
  createRestartsCounter,
  flushSpans,
  loadConfig,
  loadCustomWorkload,
  observeLockMetrics,
  type ServiceConfig,
} from '@concurrency-lab/service-kit';
import { modelInfo, type ModelName } from '@concurrency-lab/models';
import { ClusterPrimary } from './cluster-primary';
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
 * SIGTERM/SIGINT (drain every worker; exit 0 when all exited cleanly) and SIGHUP (rolling
 * restart). The primary holds what is one per model: the counter and the metrics aggregation.
 */
export function runClusterPrimary(options: ClusterPrimaryMainOptions): ClusterPrimary {
  const env = options.env ?? process.env;
  let config: ServiceConfig;
  let respawn: Partial<RespawnOptions>;
  try {
    config = loadConfig(env, { port: modelInfo(options.model).port });
    respawn = respawnFromEnv(env);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }

  const logger = createLogger(options.model, config.logLevel).child({ role: 'primary' });
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
    onFatal: (reason) => {
      logger.fatal({ reason }, 'cannot serve');
      process.exit(1);
    },
  });

  let stopping = false;
  // A broken workload module would crash every worker as it starts: refuse once, here.
  const workloadChecked = config.workload
    ? loadCustomWorkload(config.workload).then(
        () => undefined,
        (error: unknown) => {
          process.stderr.write(
            `${(error as { code?: string }).code}: ${(error as Error).message}\n`,
          );
          process.exit(2);
        },
      )
    : Promise.resolve();
  workloadChecked
    .then(() => primary.start())
    .then(
      (port) => {
        logger.info(
          {
            port,
            host: config.host,
            workers: config.workers,
            workerPids: primary.workerPids,
            url: `http://${config.host}:${port}`,
          },
          'listening',
        );
      },
      (error: unknown) => {
        // A SIGTERM came first: start() refused, or gave up, because shutdown began; the
        // stop handler below ends the process (0 when clean).
        if (stopping) return;
        logger.fatal({ err: error }, 'cluster failed to start');
        process.exit(1);
      },
    );

  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
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
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.on('SIGHUP', () => {
    primary.rollingRestart().catch((error: unknown) => {
      logger.error({ err: error }, 'rolling restart failed');
    });
  });
  return primary;
}
