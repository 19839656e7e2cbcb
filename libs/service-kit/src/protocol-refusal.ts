import type { IncomingMessage } from 'node:http';
import { ProblemError } from './errors';

/*
 * Requests Node's parser lets through that the service still cannot serve as HTTP/1.1 says, each
 * refused before any route and with `Connection: close` (what the connection carries next cannot
 * be trusted to be framed as the service reads it):
 *
 * - a version other than HTTP/1.x: llhttp refuses `HTTP/1.2` and `HTTP/3.0` itself (400) but
 *   hands on `HTTP/2.0` and `HTTP/0.9` (measured, Node 24.21) — which the contract's 400 row
 *   ("not valid HTTP/1.1") covers just the same; HTTP/1.0 is served;
 * - a transfer coding the service does not implement: llhttp hands on `gzip, chunked` or
 *   `bogus, chunked` having decoded only the chunked framing — the body would reach a route
 *   still gzip-coded (an upload was then refused as a bad PNG). RFC 9112 §6.1: a server that
 *   receives a transfer coding it does not understand should answer 501, as nginx does; the body
 *   is not read;
 * - a `Transfer-Encoding` whose last coding is not `chunked` (`gzip`): the body's length cannot
 *   be known, and RFC 9112 §6.3 has the server answer 400 and close. llhttp refuses it too, but
 *   only after it has handed the request on (measured, Node 24.21: a handler that answers at
 *   once answers first, then comes `HPE_INVALID_TRANSFER_ENCODING`), so the app answers what
 *   `'clientError'` would: 400 `ERR_INVALID_BODY`. (What llhttp refuses before the app sees it
 *   — `chunked, chunked` — stays its own 400.)
 *
 * For the request lifecycle, every request: one compare and one header lookup, nothing allocated
 * unless the request is refused.
 */

/**
 * `chunked`, in any case, and nothing else; empty list members around it (`, chunked`) are
 * ignored, as RFC 9110 §5.6.1.2 has a recipient do. Node has already trimmed the value and
 * joined repeated lines (`gzip` then `chunked` reads `gzip, chunked`).
 */
const CHUNKED_ONLY = /^[\t ,]*chunked[\t ,]*$/i;

/** A list whose last coding is `chunked`: the body is framed, whatever came before. */
const CHUNKED_LAST = /(?:^|,)[\t ]*chunked[\t ,]*$/i;

/**
 * Why the request is refused before any route, as a problem (400 `ERR_INVALID_REQUEST` or
 * `ERR_INVALID_BODY`, 501 `ERR_NOT_IMPLEMENTED`; each with `Connection: close`), or undefined
 * for a request the service reads.
 */
export function protocolRefusal(req: IncomingMessage): ProblemError | undefined {
  if (req.httpVersionMajor !== 1) {
    return new ProblemError(
      'ERR_INVALID_REQUEST',
      `The service speaks HTTP/1.1 (and 1.0); the request line says HTTP/${req.httpVersion}`,
      { headers: { Connection: 'close' } },
    );
  }
  const codings = req.headers['transfer-encoding'];
  if (codings === undefined || CHUNKED_ONLY.test(codings)) return undefined;
  return CHUNKED_LAST.test(codings)
    ? new ProblemError(
        'ERR_NOT_IMPLEMENTED',
        `The service implements no transfer coding but chunked; the request says Transfer-Encoding: ${codings}`,
        { headers: { Connection: 'close' } },
      )
    : new ProblemError(
        'ERR_INVALID_BODY',
        `The body is not framed as HTTP/1.1: its Transfer-Encoding (${codings}) does not end in chunked`,
        { headers: { Connection: 'close' } },
      );
}
