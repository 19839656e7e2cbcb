import { problemBodyViolation, STACK_TRACE } from '../problem-shape';
import { shedViolation } from './contract-refusal';
import { encodeRequest, type ExpectedRefusal, type FuzzRequest } from './fuzz-request';
import type { RawOutcome } from './raw-exchange';

/** What the verdict must know of the service under test. */
export interface VerdictOptions {
  /**
   * The service's `HTTP_MAX_HEADER_SIZE`: a 431 is right only for a head past it.
   * @default 16384 (the contract's default)
   */
  maxHeaderSize?: number;
  /**
   * Whether `/metrics` may be a 503: on cluster and hybrid, whose primary gathers it, when the
   * primary does not answer in time; on the other models it is never shed.
   * @default true (the model is not known: allowed)
   */
  metricsMayShed?: boolean;
}

/** The contract's default `HTTP_MAX_HEADER_SIZE`. */
export const DEFAULT_MAX_HEADER_SIZE = 16_384;

/**
 * The contract's other limit of a head (docs/contract.md, the 431 row): at most 1,000 header
 * lines, however few their bytes — Node's `maxHeadersCount`, past which its parser refuses the
 * request with the same error as a head over its bytes (service-kit's client-errors.ts says
 * where it comes from).
 */
export const MAX_HEADER_LINES = 1000;

/**
 * A `Transfer-Encoding` of `chunked` alone (any case; empty list members ignored), and one whose
 * last coding is `chunked` — the service-kit's own tests (protocol-refusal.ts).
 */
const CHUNKED_ONLY = /^[\t ,]*chunked[\t ,]*$/i;
const CHUNKED_LAST = /(?:^|,)[\t ]*chunked[\t ,]*$/i;

/**
 * The fuzz properties for one case: why its outcome breaks the contract, or undefined when it
 * holds. Allowed: a 2xx, a 4xx, or a 503 with a well-formed `Retry-After` (delta-seconds) where
 * a bound may shed the case (see `shedViolation`), a 431 only for a head (request line and
 * headers) past `maxHeaderSize` or of more than {@link MAX_HEADER_LINES} header lines, and a 501
 * only for a request whose `Transfer-Encoding` names a coding besides its last `chunked` (see
 * `unimplementedCoding`); never
 * a 500 (or any other 5xx), never a hang, never a connection closed without an answer (`CONNECT`
 * included: the services answer it), never a stack trace in a body, and every error answered as
 * problem+json (the contract: "Every error is application/problem+json … also what the HTTP
 * server refuses") of exactly the contract's fields, each well-formed. A HEAD answer has the
 * GET's headers and no body: its content type is checked, not its body. A 304 (no body) is
 * allowed only where HTTP asks for it: a GET or HEAD sent `If-None-Match: *` (see
 * `asksIfNoneExists`). A case the generator tagged as one the contract refuses
 * (`request.refusal`) must get one of that refusal's answers (see `refusalViolation`).
 */
export function fuzzViolation(
  request: FuzzRequest,
  outcome: RawOutcome,
  options: VerdictOptions = {},
): string | undefined {
  if (outcome.kind === 'timeout') {
    return `no answer and no close within the deadline (received ${JSON.stringify(outcome.received)})`;
  }
  if (outcome.kind === 'closed') {
    return `the connection closed without an answer (${outcome.detail})`;
  }
  const { status, headers, body } = outcome;
  const allowed =
    (status >= 200 && status < 300) ||
    (status >= 400 && status < 500) ||
    status === 503 ||
    (status === 501 && unimplementedCoding(request)) ||
    (status === 304 && asksIfNoneExists(request));
  if (!allowed) return `status ${status}: ${body.slice(0, 300)}`;
  if (status === 503 && !/^\d+$/.test(headers['retry-after'] ?? ''))
    return `503 without a Retry-After in seconds (${String(headers['retry-after'])})`;
  if (status === 503) {
    const why = shedViolation(request, options.metricsMayShed ?? true);
    if (why !== undefined) return `a 503 where the contract sheds nothing: ${why}`;
  }
  const maxHeaderSize = options.maxHeaderSize ?? DEFAULT_MAX_HEADER_SIZE;
  if (status === 431) {
    const { bytes, lines } = headSize(request);
    if (bytes <= maxHeaderSize && lines <= MAX_HEADER_LINES)
      return `a 431 for a head of ${bytes} bytes and ${lines} header lines, within HTTP_MAX_HEADER_SIZE (${maxHeaderSize}) and ${MAX_HEADER_LINES} lines`;
  }
  if (STACK_TRACE.test(body)) return `a stack trace in the body: ${body.slice(0, 300)}`;
  const problem = headers['content-type']?.startsWith('application/problem+json') === true;
  if (status >= 400 && !problem)
    return `a ${status} that is not problem+json (${String(headers['content-type'])}): ${body.slice(0, 300)}`;
  if (request.method !== 'HEAD' && problem) {
    const malformed = problemBodyViolation(body, status);
    if (malformed !== undefined) return malformed;
  }
  return request.refusal && refusalViolation(request.refusal, request.method, status, body);
}

/**
 * Why an answer (already checked to be allowed and well-formed) is not the refusal the contract
 * gives this case. A 431 (already checked to be for a head past a limit) is right for any
 * case: the head is read before anything else. A 503 is not (`shedViolation` said why first).
 * A HEAD answer has no body, so only its status is checked.
 */
function refusalViolation(
  refusal: ExpectedRefusal,
  method: string,
  status: number,
  body: string,
): string | undefined {
  if (status === 431) return undefined;
  const expected = refusal.answers.map((a) => `${a.status} ${a.code}`).join(' or ');
  const wrong = (got: string) =>
    `the contract refuses this case (${refusal.why}) with ${expected}, got ${got}`;
  const sameStatus = refusal.answers.filter((a) => a.status === status);
  if (sameStatus.length === 0) return wrong(`${status}: ${body.slice(0, 200)}`);
  if (method === 'HEAD') return undefined;
  // A problem+json body, parsed and shaped by `problemBodyViolation` already.
  const code = (JSON.parse(body) as { code: string }).code;
  return sameStatus.some((a) => a.code === code) ? undefined : wrong(`${status} ${code}`);
}

/**
 * A GET or HEAD whose `If-None-Match` is `*`: "only if no representation exists". The resource
 * exists, so RFC 9110 §13.1.2 has the server answer 304 (express does, for what it sends with
 * `res.send`). The services send no `ETag` or `Last-Modified`, so no other precondition can
 * hold: an entity tag, or a date in `If-Modified-Since`, matches nothing and gets the full answer.
 * Repeated headers are joined as Node joins them (`a, b`), which is no longer `*`.
 */
function asksIfNoneExists(request: FuzzRequest): boolean {
  if (request.method !== 'GET' && request.method !== 'HEAD') return false;
  const values = request.headers
    .filter(([name]) => name.toLowerCase() === 'if-none-match')
    .map(([, value]) => value.trim());
  return values.join(', ') === '*';
}

/**
 * The `Transfer-Encoding` the service reads names a coding it does not implement besides the
 * chunked framing it ends in (`gzip, chunked`): RFC 9112 §6.1's 501, which the services answer
 * before any route. The request's own lines and the framing's `chunked` (written after them),
 * joined as Node joins repeated lines. A list not ending in `chunked` is a 400 (its body cannot
 * be framed), and `chunked` alone is read.
 */
function unimplementedCoding(request: FuzzRequest): boolean {
  const codings = request.headers
    .filter(([name]) => name.toLowerCase() === 'transfer-encoding')
    .map(([, value]) => value.trim());
  const framing = request.body?.framing;
  if (framing === 'chunked' || framing === 'truncated-chunk' || framing === 'bad-chunk-size')
    codings.push('chunked');
  const joined = codings.join(', ');
  return codings.length > 0 && !CHUNKED_ONLY.test(joined) && CHUNKED_LAST.test(joined);
}

/**
 * The bytes of the request line and headers as sent, their final blank line included, and the
 * header lines among them (`Host` and the framing's own counted, as Node counts them). Node
 * counts a few bytes fewer against its limit (measured: the first 431 came at 16,409 to 16,413
 * bytes for a 16,384 limit), so a head this counts within the limit is within Node's too.
 */
function headSize(request: FuzzRequest): { bytes: number; lines: number } {
  const encoded = encodeRequest(request);
  const end = encoded.indexOf('\r\n\r\n');
  let lines = 0;
  for (let at = encoded.indexOf('\r\n'); at >= 0 && at < end; at = encoded.indexOf('\r\n', at + 2))
    lines++;
  return { bytes: end + 4, lines };
}
