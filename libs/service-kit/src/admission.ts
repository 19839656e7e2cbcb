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
    const { state, metrics, config } = ctx;
    if (state.draining) {
      metrics.shedTotal.inc({ reason: 'shutting_down' });
      res.setHeader('Connection', 'close');
      next(
        new ProblemError('ERR_SHUTTING_DOWN', 'The service is shutting down', {
          retryAfterSeconds: 1,
        }),
      );
      return;
    }
    if (state.inFlightWork >= config.maxQueue) {
      metrics.shedTotal.inc({ reason: 'queue_full' });
      next(
        new ProblemError(
          'ERR_OVERLOADED',
          `${state.inFlightWork} work requests are in flight, the bound (MAX_QUEUE) is ${config.maxQueue}`,
          { retryAfterSeconds: 1 },
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
