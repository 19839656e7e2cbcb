import { catalog, coded } from '@concurrency-lab/errors';

/**
 * What `ThreadPoolRunner#ready()` (and so `readyOrClose()` and `startThreadPool`) rejects with,
 * coded so that a service's start, a test or a supervisor's log reader tells "the pool never came
 * up" from any other failure at start. A task's own failures are the contract's HTTP problems
 * (`ERR_WORKER_CRASHED`, `ERR_SHUTTING_DOWN`, …), not these.
 */

/** Every code below starts with this: it says the error is this library's (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_THREADPOOL_';

/**
 * A thread failed its boot (its module threw while loading, or it exited) and piscina started
 * none in its place: piscina replaces no thread after a failed boot. `cause` is piscina's error.
 */
export class PoolStartError extends coded(
  'ERR_THREADPOOL_START_FAILED',
  'The thread pool could not start: a thread failed to start and was not replaced',
) {}

/** `close()` came before every thread had loaded its module. */
export class PoolClosedBeforeReadyError extends coded(
  'ERR_THREADPOOL_CLOSED',
  'The thread pool closed before its threads were ready',
) {}

/** Every code above, for docs/errors.md and the workspace's uniqueness test. */
export const ERROR_CATALOG = catalog(
  [
    PoolStartError,
    "A worker thread failed its boot (its module threw while loading, or it exited) and the pool started none in its place, so the pool cannot start; `cause` is piscina's error.",
  ],
  [PoolClosedBeforeReadyError, 'The pool was closed before every thread had loaded its module.'],
);
