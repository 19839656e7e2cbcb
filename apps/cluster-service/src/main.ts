/**
 * cluster-service: a `node:cluster` primary and WORKERS processes sharing the port, each running
 * the contract's app with CPU work inline. This file is the primary; `worker.ts` is the worker.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import {
  createLockHistograms,
  createProcessRegistry,
  createRestartsCounter,
  observeLockMetrics,
  createLogger,
  loadConfig,
  type ServiceConfig,
} from '@concurrency-lab/service-kit';
import { modelInfo } from '@concurrency-lab/models';
import { join } from 'node:path';
import { ClusterPrimary, respawnFromEnv } from '@concurrency-lab/cluster-runtime';

let config: ServiceConfig;
let respawn;
try {
  config = loadConfig(process.env, { port: modelInfo('cluster').port });
  respawn = respawnFromEnv(process.env);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

const logger = createLogger('cluster', config.logLevel).child({ role: 'primary' });
const registry = createProcessRegistry('cluster');
const restarts = createRestartsCounter(registry, 'process');
// The primary's own locks (the counter's request lock) count toward the model's lab_lock_*.
observeLockMetrics(createLockHistograms(registry));

const primary = new ClusterPrimary({
  workers: config.workers,
  entry: process.env['CLUSTER_WORKER_ENTRY'] || join(__dirname, 'worker.js'),
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

primary.start().then(
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
    logger.fatal({ err: error }, 'cluster failed to start');
    process.exit(1);
  },
);

let stopping = false;
const stop = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, 'shutting down');
  void primary.shutdown().then(async (clean) => {
    await tracing
      .shutdown()
      .catch((error: unknown) => logger.warn({ err: error }, 'span flush failed'));
    logger.info({ clean }, 'stopped');
    process.exit(clean ? 0 : 1);
  });
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
process.on('SIGHUP', () => void primary.rollingRestart());
