/**
 * procpool-service: Python's `ProcessPoolExecutor` as a model — one HTTP process; every CPU task
 * is copied to one of WORKERS child processes and its result copied back; the shared counter is
 * held by the HTTP process as a manager the pool's processes reach over a socket (runtime.ts).
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runService } from '@concurrency-lab/service-kit';
import { inspect } from 'node:util';
import { procpoolRuntime } from './runtime';

// A bad config exits 2 inside runService; what fails after it (the runtime, the port) rejects:
// say what, and exit 1, rather than leave it to an unhandled rejection.
runService({ model: 'procpool', tracing, createRuntime: procpoolRuntime }).catch(
  (error: unknown) => {
    process.stderr.write(`procpool-service failed to start: ${inspect(error)}\n`);
    process.exit(1);
  },
);
