/**
 * threads-service: one process; express on the main thread, every CPU task on a pool of worker
 * threads (piscina, `@concurrency-lab/thread-pool`), the shared counter in a SharedArrayBuffer
 * that all pool threads map (see runtime.ts).
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runService } from '@concurrency-lab/service-kit';
import { inspect } from 'node:util';
import { threadsRuntime } from './runtime';

// A bad config exits 2 inside runService; what fails after it (the runtime, the port) rejects:
// say what, and exit 1, rather than leave it to an unhandled rejection.
runService({ model: 'threads', tracing, createRuntime: threadsRuntime }).catch((error: unknown) => {
  process.stderr.write(`threads-service failed to start: ${inspect(error)}\n`);
  process.exit(1);
});
