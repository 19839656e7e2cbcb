import type { ErrorRequestHandler } from 'express';
import { isProblemError, problemCodeOf, ProblemError } from './errors';
import type { Logger } from './logger';
import type { ServiceMetrics } from './service-metrics';
import { ClientGoneError, DeadlineExceededError } from './request-deadline';

/**
 * Turns any error into a problem+json answer. Errors that carry a registered `code` (from this
 * kit, the workloads lib or a runner) keep it; client-caused framework errors get their 4xx;
 * anything else is a 500 `ERR_INTERNAL`, logged with its stack — which never reaches the client.
 */
export function problemHandler(logger: Logger, metrics: ServiceMetrics): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    if (error instanceof ClientGoneError || res.destroyed) return;
    let problem: ProblemError;
    if (isProblemError(error)) problem = error;
    else if (error instanceof DeadlineExceededError)
      problem = new ProblemError('ERR_DEADLINE_EXCEEDED', error.message);
    else {
      const e = (error ?? {}) as { code?: unknown; message?: string; status?: number };
      // A problem code, or a library's code mapped to one (docs/errors.md).
      const code = problemCodeOf(e.code);
      if (code && code !== 'ERR_INTERNAL') problem = new ProblemError(code, e.message ?? code);
      else
        problem =
          typeof e.status === 'number' && e.status >= 400 && e.status < 500
            ? new ProblemError('ERR_INVALID_PARAM', e.message ?? 'bad request')
            : new ProblemError('ERR_INTERNAL', 'An internal error occurred; it has been logged');
    }
    if (problem.shedReason !== undefined) metrics.shedTotal.inc({ reason: problem.shedReason });
    // What is broken is logged (500, 502); a refusal (503) or a passed deadline (504) is what
    // load does, counted by http_server_request_duration_seconds_count{status_code} and
    // lab_shed_total — a line with a stack for each would cost most when the service can least
    // afford it. A 501 is what a client asked for (a transfer coding no service implements):
    // nothing is broken, and a line each would let any client fill the log.
    if (problem.status === 500 || problem.status === 502)
      logger.error({ err: error, route: res.locals['route'], url: req.originalUrl }, problem.code);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A body the client is still sending is not read: the answer's head closes the connection
    // (see `closingWhenDue` in create-app.ts).
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    if (problem.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(problem.retryAfterSeconds));
    res
      .status(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify(problem.toBody()));
  };
}
