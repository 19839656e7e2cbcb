/**
 * hybrid-service: the guide's hybrid — processes for cores and isolation, threads inside each for
 * CPU work, so no process's event loop ever runs a CPU task. A `node:cluster` primary (the same
 * as cluster's: respawn, rolling restart, drain, the counter, /metrics summed) forks WORKERS
 * processes sharing the port; each runs the contract's app with a thread pool (`worker.ts`).
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runClusterPrimary } from '@concurrency-lab/cluster-runtime';
import { join } from 'node:path';
import { modelInfo } from '@concurrency-lab/models';
import { loadConfig } from '@concurrency-lab/service-kit';
import { hybridThreads } from './hybrid-threads';

try {
  // Checked here too, with the WORKERS the primary will fork, so that a bad value (or product)
  // stops the model before it forks anything.
  hybridThreads(process.env, loadConfig(process.env, { port: modelInfo('hybrid').port }).workers);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(2);
}

runClusterPrimary({ model: 'hybrid', tracing, workerEntry: join(__dirname, 'worker.js') });
