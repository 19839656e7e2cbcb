import type { RequestHandler, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { ProblemError } from './errors';
import type { ServiceContext } from './service-context';

/**
 * The bound on pending work (`MAX_QUEUE`): a work request is admitted only while fewer than
 * `maxQueue` are in flight, else 503 + `Retry-After` — shedding early costs the client one
 * round trip, queueing without bound costs everyone their latency.
 *
 * While draining, a request that still reaches us is served: in a cluster the primary may hand
 * over a connection after the worker began to drain, and refusing it would fail a request that
 * a rolling restart promised not to fail. Only in the second half of the shutdown budget is new
 * work refused (`ERR_SHUTTING_DOWN`), so that what was admitted can finish before the deadline.
 */
export function admission(ctx: ServiceContext): RequestHandler {
  const { state, config } = ctx;
  // One listener function for every admitted response, not a closure per request.
  function release(this: Response): void {
    state.inFlightWork--;
  }
  return (_req, res, next) => {
    if (state.draining && performance.now() >= state.refuseNewWorkAt) {
      res.setHeader('Connection', 'close');
      next(
        new ProblemError('ERR_SHUTTING_DOWN', 'The service is shutting down', {
          retryAfterSeconds: 1,
          shedReason: 'shutting_down',
        }),
      );
      return;
    }
    if (state.inFlightWork >= config.maxQueue) {
      next(
        new ProblemError(
          'ERR_OVERLOADED',
          `${state.inFlightWork} work requests are in flight, the bound (MAX_QUEUE) is ${config.maxQueue}`,
          { retryAfterSeconds: 1, shedReason: 'queue_full' },
        ),
      );
      return;
    }
    state.inFlightWork++;
    res.on('close', release);
    next();
  };
}
