import { problemBodyViolation, STACK_TRACE } from '../problem-shape';
import type { FuzzRequest } from './fuzz-request';
import type { RawOutcome } from './raw-exchange';

/**
 * The fuzz properties for one case: why its outcome breaks the contract, or undefined when it
 * holds. Allowed: a 2xx, a 4xx, or a 503 with a well-formed `Retry-After` (delta-seconds); never
 * a 500 (or any other 5xx), never a hang, never a connection closed without an answer (`CONNECT`
 * included: the services answer it), never a stack trace in a body, and every error answered as
 * problem+json (the contract: "Every error is application/problem+json … also what the HTTP
 * server refuses") of exactly the contract's fields, each well-formed. A HEAD answer has the
 * GET's headers and no body: its content type is checked, not its body.
 */
export function fuzzViolation(request: FuzzRequest, outcome: RawOutcome): string | undefined {
  if (outcome.kind === 'timeout') {
    return `no answer and no close within the deadline (received ${JSON.stringify(outcome.received)})`;
  }
  if (outcome.kind === 'closed') {
    return `the connection closed without an answer (${outcome.detail})`;
  }
  const { status, headers, body } = outcome;
  const allowed =
    (status >= 200 && status < 300) || (status >= 400 && status < 500) || status === 503;
  if (!allowed) return `status ${status}: ${body.slice(0, 300)}`;
  if (status === 503 && !/^\d+$/.test(headers['retry-after'] ?? ''))
    return `503 without a Retry-After in seconds (${String(headers['retry-after'])})`;
  if (STACK_TRACE.test(body)) return `a stack trace in the body: ${body.slice(0, 300)}`;
  const problem = headers['content-type']?.startsWith('application/problem+json') === true;
  if (status >= 400 && !problem)
    return `a ${status} that is not problem+json (${String(headers['content-type'])}): ${body.slice(0, 300)}`;
  if (request.method !== 'HEAD' && problem) return problemBodyViolation(body, status);
  return undefined;
}
