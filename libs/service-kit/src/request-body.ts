import type { IncomingMessage, ServerResponse } from 'node:http';
import { promisify } from 'node:util';
import { brotliDecompress, gunzip, inflate, zstdDecompress } from 'node:zlib';
import getRawBody from 'raw-body';
import { ProblemError } from './errors';
import { LIMITS, type ServiceState } from './service-context';

/**
 * Request bodies, read so that a client cannot make the service wait for, or read, more than
 * the limit: a declared `Content-Length` over it is refused before a byte is read, a body
 * without one (chunked) is cut off the moment it passes it, and `100 Continue` is sent only when
 * the body is about to be read (see `deferContinue`). The reading is raw-body's (the limit, the
 * declared length, an aborted request), which on a refusal halts the stream — unpiped, paused —
 * and reads no further; it is body-parser, around it, that reads and discards the whole rest of
 * a refused request before answering. Here nothing drains: the refusal is answered at once and
 * its connection closed (`problemHandler`, `bodyStillToCome`).
 */

/** The declared `Content-Length` (Node's parser has checked its digits), or undefined. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const length = req.headers['content-length'];
  return length === undefined ? undefined : Number(length);
}

/** A request with a body: one that says `Transfer-Encoding`, or a `Content-Length` above 0. */
export function hasBody(req: IncomingMessage): boolean {
  if (req.headers['transfer-encoding'] !== undefined) return true;
  const length = declaredLength(req);
  return length !== undefined && length > 0;
}

/**
 * A body the client is still sending: answered before it ends, the connection must close, or
 * Node would read and discard the rest of it to keep the connection for the next request. Not
 * `!req.complete` alone: a request is handed to the app when its headers are parsed, before
 * even an empty body's end — every GET would look unfinished.
 */
export function bodyStillToCome(req: IncomingMessage): boolean {
  return !req.complete && hasBody(req);
}

export function bodyTooLarge(limit: number): ProblemError {
  return new ProblemError(
    'ERR_BODY_TOO_LARGE',
    `The body is larger than the limit of ${limit / (1024 * 1024)} MiB`,
  );
}

function bodyCutShort(): ProblemError {
  return new ProblemError('ERR_INVALID_BODY', 'The connection ended before the body was complete');
}

/** Responses whose request said `Expect: 100-continue` and has not been told to go on yet. */
const awaitingContinue = new WeakSet<ServerResponse>();

/**
 * For the server's `'checkContinue'`: hold back Node's `100 Continue` until `readBody` starts to
 * read. A request refused before (a bad parameter, a declared body over the limit, admission)
 * gets its final answer instead, and its client never sends the body; Node closes such a
 * connection after the answer.
 */
export function deferContinue(res: ServerResponse): void {
  awaitingContinue.add(res);
}

/**
 * The decoders of the `Content-Encoding`s a body may come in (as body-parser took them), each
 * on a whole body: zlib's `maxOutputLength` stops one as soon as its output passes the limit.
 */
const DECODERS = {
  gzip: promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress),
  zstd: promisify(zstdDecompress),
} satisfies Record<string, (wire: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>>;

/**
 * The whole body of `req` as one Buffer, at most `limit` bytes on the wire and decoded.
 * Rejects with a `ProblemError`: 413 `ERR_BODY_TOO_LARGE` as soon as the body passes the limit
 * (or at once, when its `Content-Length` says it will); 415 for an unknown `Content-Encoding`;
 * 400 `ERR_INVALID_BODY` for a body that does not decode or a connection that ends before the
 * body does. On a rejection, reading stops: the caller answers, and the connection is closed.
 *
 * An encoded body is read whole, then decoded: raw-body's limit then bounds the wire, and
 * zlib's the decoded size. (Decoded as it arrives, as body-parser does, raw-body would limit
 * only the decoder's output, and a body can grow without bound on the wire and not at all
 * decoded — empty gzip members, 20 bytes each — which would need our own count of the wire,
 * and our own passing on of the request's abort, which `pipe` does not.) The cost: a bomb is
 * refused once its wire bytes (at most `limit`) are in, not at its first decoded megabytes.
 */
export async function readBody(
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): Promise<Buffer> {
  const length = declaredLength(req);
  // raw-body refuses it too, but a tick later: after the `100 Continue` below.
  if (length !== undefined && length > limit) throw bodyTooLarge(limit);
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const decode = Object.hasOwn(DECODERS, encoding)
    ? DECODERS[encoding as keyof typeof DECODERS]
    : undefined;
  if (!decode && encoding !== 'identity') {
    throw new ProblemError(
      'ERR_UNSUPPORTED_MEDIA_TYPE',
      `Unsupported Content-Encoding \`${encoding}\`; expected one of identity, ${Object.keys(DECODERS).join(', ')}`,
    );
  }
  if (awaitingContinue.delete(res)) res.writeContinue();
  let wire: Buffer;
  try {
    wire = await getRawBody(req, { length, limit });
  } catch (error) {
    throw asProblem(error, limit);
  }
  if (!decode) return wire;
  try {
    return await decode(wire, { maxOutputLength: limit });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw bodyTooLarge(limit);
    throw new ProblemError('ERR_INVALID_BODY', `The body is not valid \`${encoding}\` data`);
  }
}

/** raw-body's errors, by their `type`, as problems. */
function asProblem(error: unknown, limit: number): unknown {
  switch ((error as { type?: string }).type) {
    case 'entity.too.large':
      return bodyTooLarge(limit);
    case 'request.aborted': // the connection closed mid-body
    case 'request.size.invalid': // its length is not its Content-Length
    case 'stream.not.readable': // it was closed before reading began
      return bodyCutShort();
    default:
      return error; // `stream.encoding.set`, or a stream's own error: unexpected, answered 500
  }
}

/**
 * Reserves the memory reading `req`'s body may take — its declared `Content-Length` (else the
 * whole `limit`), and `limit` more for a decoded body — until its response closes. Refused,
 * with nothing reserved, when the bodies already being read or held by this process would pass
 * `LIMITS.maxBodyBytesInFlight`: 503 `ERR_OVERLOADED` + `Retry-After`, before a byte is read.
 * Admission bounds uploads by count (`MAX_QUEUE`); bodies that trickle in each hold their bytes
 * for up to `HTTP_REQUEST_TIMEOUT_MS`, so it is this bound that keeps them within memory.
 */
export function reserveBodyBytes(
  state: ServiceState,
  req: IncomingMessage,
  res: ServerResponse,
  limit: number,
): void {
  const encoding = (req.headers['content-encoding'] ?? 'identity').trim().toLowerCase();
  const bytes = (declaredLength(req) ?? limit) + (encoding === 'identity' ? 0 : limit);
  const budget = LIMITS.maxBodyBytesInFlight;
  if (state.bodyBytesInFlight + bytes > budget) {
    throw new ProblemError(
      'ERR_OVERLOADED',
      `Request bodies being read would pass ${budget} bytes (this one may take ${bytes})`,
      { retryAfterSeconds: 1, shedReason: 'body_bytes' },
    );
  }
  state.bodyBytesInFlight += bytes;
  res.once('close', () => {
    state.bodyBytesInFlight -= bytes;
  });
}
