import type { NextFunction } from 'express';
import type { IncomingMessage } from 'node:http';
import { ProblemError } from './errors';

/*
 * `Expect:` asking for anything but `100-continue` (RFC 9110 §10.1.1), the only expectation HTTP
 * defines: no service meets it, and the answer is 417. Node answers such a request itself when
 * the server has no 'checkExpectation' listener — a bare status line, an empty body. The service
 * listens, marks the request and hands it to its app (Node has already told the two apart), so
 * it is refused like every other error: problem+json, counted, traced, and a body it carries
 * is not read.
 */

const unmet = new WeakSet<IncomingMessage>();

/** For the server's 'checkExpectation': this request expects what the service cannot do. */
export function markUnmetExpectation(req: IncomingMessage): void {
  unmet.add(req);
}

/**
 * `next`, or for a request marked by {@link markUnmetExpectation} a `next` that refuses it with
 * 417 `ERR_EXPECTATION_FAILED`. For the request lifecycle, the app's first middleware, so that
 * every request pays one `WeakSet` lookup and not an express layer of its own.
 */
export function refusingUnmetExpectation(req: IncomingMessage, next: NextFunction): NextFunction {
  if (!unmet.has(req)) return next;
  return () =>
    next(
      new ProblemError(
        'ERR_EXPECTATION_FAILED',
        `The service meets no expectation but 100-continue; the request said Expect: ${req.headers.expect ?? ''}`,
      ),
    );
}
