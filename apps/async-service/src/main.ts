/**
 * async-service: the pure-async model. One process, one event loop: I/O is concurrent, CPU work
 * runs inline and blocks the loop while it runs, and the shared counter is a plain number raced
 * by concurrent async tasks (see runtime.ts).
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runService } from '@concurrency-lab/service-kit';
import { inspect } from 'node:util';
import { asyncRuntime } from './runtime';

// A bad config exits 2 inside runService; what fails after it (the runtime, the port) rejects:
// say what, and exit 1, rather than leave it to an unhandled rejection.
runService({ model: 'async', tracing, createRuntime: asyncRuntime }).catch((error: unknown) => {
  process.stderr.write(`async-service failed to start: ${inspect(error)}\n`);
  process.exit(1);
});
