/**
 * A hybrid worker process: the contract's app, CPU work on this process's own thread pool, the
 * counter and the model-wide `/metrics` reached through the primary over IPC.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runClusterWorker } from '@concurrency-lab/cluster-runtime';
import { hybridRunner } from './hybrid-runner';

runClusterWorker({ model: 'hybrid', tracing, createRunner: hybridRunner }).catch(
  (error: unknown) => {
    process.stderr.write(`hybrid worker failed to start: ${String(error)}\n`);
    process.exit(1);
  },
);
