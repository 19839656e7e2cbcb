/**
 * A cluster worker process: the same app as every model, CPU work inline on this process's
 * event loop, the counter and the model-wide `/metrics` reached through the primary over IPC.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runClusterWorker } from '@concurrency-lab/cluster-runtime';
import { InlineRunner } from '@concurrency-lab/service-kit';

runClusterWorker({
  model: 'cluster',
  tracing,
  createRunner: () => new InlineRunner(),
  tasksOnMainThread: true,
}).catch((error: unknown) => {
  process.stderr.write(`cluster worker failed to start: ${String(error)}\n`);
  process.exit(1);
});
