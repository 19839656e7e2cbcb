/**
 * procpool-service: Python's `ProcessPoolExecutor` as a model — one HTTP process; every CPU task
 * is copied to one of WORKERS child processes and its result copied back; the shared counter is
 * held by the HTTP process as a manager the pool's processes reach over a socket (runtime.ts).
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { FATAL_EXIT_CODE, runService, type RunningService } from '@concurrency-lab/service-kit';
import { inspect } from 'node:util';
import { procpoolRuntime } from './runtime';

let service: RunningService | undefined;
let brokenBy: Error | undefined;

/**
 * The pool broke (its processes cannot come up: Python's `BrokenProcessPool`), so this service
 * can do no CPU work again and must not look healthy: it says why in one `fatal` line and takes
 * the SIGTERM path (`/readyz` 503, requests in flight finish, new work on the pool is refused
 * with 503, spans flushed), then exits 1 for its supervisor to restart it with a fresh pool.
 */
function stopBroken(running: RunningService, cause: Error): void {
  if (running.ctx.state.draining) return; // already stopping: that drain ends the process
  running.ctx.logger.fatal({ err: cause }, 'the process pool is broken: draining, then exiting');
  running.stop('pool_broken', { exitCode: FATAL_EXIT_CODE });
}

// A bad config exits 2 inside runService; what fails after it (the runtime, the port) rejects:
// say what, and exit 1, rather than leave it to an unhandled rejection. A pool that breaks while
// warming up fails the start the same way.
runService({
  model: 'procpool',
  tracing,
  createRuntime: (config, logger, metrics) =>
    procpoolRuntime(config, logger, metrics, {
      onPoolBroken: (cause) => {
        brokenBy ??= cause;
        if (service) stopBroken(service, cause);
      },
    }),
}).then(
  (running) => {
    service = running;
    if (brokenBy) stopBroken(running, brokenBy); // broke between the warm-up and the listen
  },
  (error: unknown) => {
    process.stderr.write(`procpool-service failed to start: ${inspect(error)}\n`);
    process.exit(1);
  },
);
