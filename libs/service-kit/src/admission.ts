import type { RequestHandler } from 'express';
import { ProblemError } from './errors';
import type { ServiceContext } from './service-context';

/**
 * The bound on pending work (`MAX_QUEUE`): a work request is admitted only while fewer than
 * `maxQueue` are in flight, else 503 + `Retry-After` — shedding early costs the client one
 * round trip, queueing without bound costs everyone their latency. While draining for shutdown,
 * new work is refused with `ERR_SHUTTING_DOWN`.
 */
export function admission(ctx: ServiceContext): RequestHandler {
  return (_req, res, next) => {
    const { state, config } = ctx;
    if (state.draining) {
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
    res.once('close', () => {
      state.inFlightWork--;
    });
    next();
  };
}
