import { problemBodyViolation, STACK_TRACE } from '../problem-shape';
import type { FuzzRequest } from './fuzz-request';
import type { RawOutcome } from './raw-exchange';

/**
 * The fuzz properties for one case: why its outcome breaks the contract, or undefined when it
 * holds. Allowed: a 2xx, a 4xx, or a 503 with `Retry-After`; never a 500 (or any other 5xx),
 * never a hang, never a stack trace in a body, and every problem+json of exactly the contract's
 * fields, each well-formed. A connection closed without an answer is allowed only for `CONNECT`,
 * which Node's server closes by itself when nothing listens for it (node:http, event 'connect').
 */
export function fuzzViolation(request: FuzzRequest, outcome: RawOutcome): string | undefined {
  if (outcome.kind === 'timeout') {
    return `no answer and no close within the deadline (received ${JSON.stringify(outcome.received)})`;
  }
  if (outcome.kind === 'closed') {
    return request.method === 'CONNECT'
      ? undefined
      : `the connection closed without an answer (${outcome.detail})`;
  }
  const { status, headers, body } = outcome;
  const allowed =
    (status >= 200 && status < 300) || (status >= 400 && status < 500) || status === 503;
  if (!allowed) return `status ${status}: ${body.slice(0, 300)}`;
  if (status === 503 && !headers['retry-after']) return '503 without Retry-After';
  if (STACK_TRACE.test(body)) return `a stack trace in the body: ${body.slice(0, 300)}`;
  // A HEAD answer has the headers of the GET and no body.
  if (request.method !== 'HEAD' && headers['content-type']?.startsWith('application/problem+json'))
    return problemBodyViolation(body, status);
  return undefined;
}
