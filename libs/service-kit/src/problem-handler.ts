import type { ErrorRequestHandler } from 'express';
import { isProblemError, problemCodeOf, ProblemError } from './errors';
import type { Logger } from './logger';
import type { ServiceMetrics } from './service-metrics';
import { ClientGoneError, DeadlineExceededError } from './request-deadline';

/** body-parser / raw-body errors carry a `type`; map the ones a client can cause. */
function fromBodyParser(error: {
  type?: string;
  status?: number;
  message?: string;
}): ProblemError | undefined {
  switch (error.type) {
    case 'entity.too.large':
      return new ProblemError('ERR_BODY_TOO_LARGE', `The body is larger than the limit of 8 MiB`);
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return new ProblemError(
        'ERR_UNSUPPORTED_MEDIA_TYPE',
        error.message ?? 'unsupported encoding',
      );
    case 'request.size.invalid':
    case 'stream.encoding.set':
    case 'request.aborted':
      return new ProblemError('ERR_INVALID_BODY', error.message ?? 'invalid body');
    default:
      return undefined;
  }
}

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
      const e = (error ?? {}) as {
        code?: unknown;
        message?: string;
        status?: number;
        type?: string;
      };
      // A problem code, or a library's code mapped to one (docs/errors.md).
      const code = problemCodeOf(e.code);
      if (code && code !== 'ERR_INTERNAL') problem = new ProblemError(code, e.message ?? code);
      else
        problem =
          fromBodyParser(e) ??
          (typeof e.status === 'number' && e.status >= 400 && e.status < 500
            ? new ProblemError('ERR_INVALID_PARAM', e.message ?? 'bad request')
            : new ProblemError('ERR_INTERNAL', 'An internal error occurred; it has been logged'));
    }
    if (problem.shedReason !== undefined) metrics.shedTotal.inc({ reason: problem.shedReason });
    // What is broken is logged (500, 502); a refusal (503) or a passed deadline (504) is what
    // load does, counted by http_requests_total and lab_shed_total — a line with a stack for
    // each would cost most when the service can least afford it.
    if (problem.status >= 500 && problem.status !== 503 && problem.status !== 504)
      logger.error({ err: error, route: res.locals['route'], url: req.originalUrl }, problem.code);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // A body the client is still sending (413) would otherwise stall the answer; close after it.
    if (problem.status === 413 && !req.complete) {
      res.setHeader('Connection', 'close');
      req.resume();
    }
    for (const [name, value] of Object.entries(problem.headers)) res.setHeader(name, value);
    if (problem.retryAfterSeconds !== undefined)
      res.setHeader('Retry-After', String(problem.retryAfterSeconds));
    res
      .status(problem.status)
      .type('application/problem+json')
      .send(JSON.stringify(problem.toBody()));
  };
}
