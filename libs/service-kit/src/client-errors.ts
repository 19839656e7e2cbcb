import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpConfig } from './config';
import { problemBody, type ProblemCode } from './errors';
import { closeLingering, lingerAfterAnswer } from './lingering-close';

/**
 * What Node's HTTP server refuses before the app sees a request — a request it cannot parse, a
 * request or its headers too slow (408) or too large (431, 413) — answered like every other
 * error: `application/problem+json` with a stable `code`, `Connection: close`. Node's own
 * answers (its `socketOnError`, when the server has no `'clientError'` listener) are a bare
 * status line; the statuses are kept.
 */

/**
 * The most header lines a request may carry, set on the server as `maxHeadersCount` (the value
 * Node defaults to, kept explicit so that the 431's detail says what is enforced). Node's parser
 * binding reads it as `maxHeaderPairs` (names and values: 2 × the lines; lib/_http_common.js's
 * `MAX_HEADER_PAIRS`, 2,000, when the server sets none) and refuses a head past it with the same
 * `HPE_HEADER_OVERFLOW` as one over `HTTP_MAX_HEADER_SIZE`. Measured on Node 24.21: 1,000
 * lines, `Host` counted, are served, 1,001 get the 431 whatever their bytes (4,042 of them for
 * 1,001 lines), under any `maxHeaderSize`; with `maxHeadersCount` at 5,000 the 5,001st line is
 * the first refused.
 */
export const MAX_HEADER_LINES = 1000;

interface ProtocolProblem {
  status: number;
  body: string;
}

/** A problem's status and its problem+json body, serialized: written on the socket as is. */
function protocolProblem(code: ProblemCode, detail: string): ProtocolProblem {
  const body = problemBody(code, detail);
  return { status: body.status, body: JSON.stringify(body) };
}

/** llhttp's errors about how the body is framed: the body could not be read. */
const BODY_FRAMING_ERRORS = new Set([
  'HPE_INVALID_CHUNK_SIZE',
  'HPE_INVALID_CONTENT_LENGTH',
  'HPE_UNEXPECTED_CONTENT_LENGTH',
  'HPE_INVALID_TRANSFER_ENCODING',
]);

/** The problem for an error of the server's `'clientError'`, or undefined for a socket error. */
function problemForClientError(
  error: Error & { code?: string; reason?: string },
  http: HttpConfig,
): ProtocolProblem | undefined {
  const { code } = error;
  const reason = error.reason ?? error.message;
  switch (code) {
    case 'HPE_HEADER_OVERFLOW':
      // The parser does not say which of its two limits the head passed.
      return protocolProblem(
        'ERR_HEADERS_TOO_LARGE',
        `The request's head is over a limit: ${http.maxHeaderSize} bytes of request line and headers (HTTP_MAX_HEADER_SIZE), or ${MAX_HEADER_LINES} header lines`,
      );
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return protocolProblem(
        'ERR_BODY_TOO_LARGE',
        'The chunk extensions of the body are over the limit of the HTTP parser',
      );
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return protocolProblem(
        'ERR_REQUEST_TIMEOUT',
        `The request did not arrive in time: its headers within ${http.headersTimeoutMs} ms (HTTP_HEADERS_TIMEOUT_MS), all of it within ${http.requestTimeoutMs} ms (HTTP_REQUEST_TIMEOUT_MS)`,
      );
    case 'HPE_INVALID_EOF_STATE':
      return protocolProblem(
        'ERR_INVALID_REQUEST',
        'The client ended the connection in the middle of a request',
      );
    default:
      if (code !== undefined && BODY_FRAMING_ERRORS.has(code))
        return protocolProblem('ERR_INVALID_BODY', `The body is not framed as HTTP/1.1: ${reason}`);
      if (code?.startsWith('HPE_'))
        return protocolProblem(
          'ERR_INVALID_REQUEST',
          `The request is not valid HTTP/1.1: ${reason}`,
        );
      return undefined; // ECONNRESET, EPIPE…: nobody to answer
  }
}

/**
 * Responses the app held when `clientErrorHandler` answered their request on the socket itself:
 * answered (the status is the problem's), though the response object never finished.
 */
export const answeredByClientError = new WeakSet<ServerResponse>();

/** The response a server writes on a socket: set once a request was handed to the app. */
type HttpSocket = Duplex & { _httpMessage?: ServerResponse | null };

/**
 * The server's `'clientError'` listener (node:http): answers the problem and closes without
 * reading more (`closeLingering`) — only when the socket can still be written and nothing of a
 * response was written on it yet; else, and
 * for socket errors (a reset, a broken pipe), it just destroys the socket. When the app already
 * holds the request and the error is its own (its body timed out or broke mid-way), that
 * response takes the status, so
 * `http_server_request_duration_seconds` records what the client was answered, and it is closed
 * for the app with the answer (`closeAnswered`). (Refusals before any request exists are not
 * counted: no method, no route, no duration to record.)
 */
export function clientErrorHandler(
  http: HttpConfig,
): (error: Error & { code?: string }, socket: Duplex) => void {
  return (error, socket) => {
    const problem = problemForClientError(error, http);
    const pending = (socket as HttpSocket)._httpMessage;
    // (An answer already under way cannot say `Connection: close`: destroyed, as below.)
    if (problem !== undefined && pending?.req.complete && !pending.headersSent) {
      laterRequestFailed(pending, socket as Socket);
      return;
    }
    if (problem === undefined || !socket.writable || pending?.headersSent) {
      socket.destroy();
      return;
    }
    if (pending) {
      pending.statusCode = problem.status;
      answeredByClientError.add(pending);
    }
    const length = Buffer.byteLength(problem.body);
    // One write, head and body: a client sees the whole answer or none of it.
    const answer =
      `HTTP/1.1 ${problem.status} ${STATUS_CODES[problem.status] ?? ''}\r\n` +
      'Content-Type: application/problem+json\r\n' +
      `Content-Length: ${length}\r\n` +
      'Connection: close\r\n\r\n' +
      problem.body;
    try {
      socket.write(answer);
      closeLingering(socket);
    } catch {
      socket.destroy(); // a listener of the parser's must not throw: the process would end
      return;
    }
    if (pending) closeAnswered(pending, socket as Socket);
  };
}

/** The fields of a response that Node's own close (its `emitCloseNT`) sets. */
type ClosableResponse = ServerResponse & { _closed: boolean; destroyed: boolean };

/**
 * A response the app holds, answered on its socket instead: closed for the app now, as Node
 * closes a response once its answer is sent — not when the connection's linger ends (up to
 * `LINGER_MS` later), which would keep its admission slot, its place among the active requests
 * and its work (the deadline aborts it, as for a client that left) as long as the connection
 * lasts. Its request is aborted for the app too, as Node aborts one whose connection is lost:
 * a body being read (raw-body) lets go of what it holds, up to the body limit — freed of its
 * slot, it must not keep that either. Detached first, so that the socket's close does not close
 * the response a second time (Node's `onServerResponseClose`); on the next tick, like Node's,
 * not inside the parser's callback.
 */
function closeAnswered(res: ServerResponse, socket: Socket): void {
  res.detachSocket(socket);
  process.nextTick(emitClose, res);
}

function emitClose(res: ServerResponse): void {
  // As Node marks a closed response: a handler that settles later finds it destroyed.
  const closing = res as ClosableResponse;
  closing.destroyed = true;
  closing._closed = true;
  res.emit('close');
  // The part of `IncomingMessage#destroy` that tells its readers; the rest would destroy the
  // socket, and with it the linger. The socket's close still destroys the request.
  const { req } = res;
  if (!req.complete) req.emit('aborted');
}

/**
 * The error is a later request's, pipelined behind one the app holds whole and is still
 * answering (garbage after it, or a second request whose headers never finished): that answer is
 * not the error's to take. It goes out as the app writes it, with `Connection: close`, and the
 * connection closes after it, lingering, without reading on. The later request gets no answer:
 * a client retries the requests a closed connection left unanswered (RFC 9112 §9.3.2).
 */
function laterRequestFailed(pending: ServerResponse, socket: Socket): void {
  socket.pause();
  // Node ends the connection after the answer (`destroySoon`), lingering here.
  pending.shouldKeepAlive = false;
  lingerAfterAnswer(socket);
}

/**
 * `uri-host [ ":" port ]` (RFC 3986 §3.2.2): an IP literal in brackets, or a reg-name — letters,
 * digits, `-._~`, sub-delims and %-escapes, which an IPv4 address is too; empty is allowed (a
 * target without an authority). Not a space, `/`, `@` or a second colon outside brackets.
 */
const HOST =
  /^(?:\[[0-9A-Za-z:.%_~-]+\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})*)(?::[0-9]{0,5})?$/;

/**
 * RFC 9112 §3.2: a request is answered 400 when it is HTTP/1.1 without `Host`, or has more than
 * one `Host` line, or a `Host` that is not `uri-host [ ":" port ]`. Node checks only the first
 * (`requireHostHeader`, with an empty body; the server turns that off and answers with this),
 * and keeps the first of several `Host` lines without a word — where a proxy in front may have
 * read another: the two would disagree about which site the request is for.
 * @returns why the request is refused, or undefined for a good one
 */
export function badHost(req: IncomingMessage): string | undefined {
  const host = req.headers.host;
  if (host === undefined) {
    return req.httpVersionMajor === 1 && req.httpVersionMinor === 1
      ? 'An HTTP/1.1 request must have a Host header'
      : undefined;
  }
  if (!HOST.test(host))
    return `Expected \`Host\` to be a host and an optional port, got \`${host}\``;
  let lines = 0;
  const raw = req.rawHeaders;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name.length === 4 && name.toLowerCase() === 'host') lines++;
  }
  return lines > 1 ? `Expected one Host header, got ${lines}` : undefined;
}

/**
 * What express hands back (its `done`) when it could not even look a route up: a request target
 * with no path — only a `CONNECT` can carry one (`CONNECT ?n=0`, authority-form targets), the
 * parser refuses it for every other method. express's own answer is an HTML page; this is the
 * contract's 404 problem. Nothing of the app ran for it (no middleware runs without a path).
 */
export function answerUnroutable(req: IncomingMessage, res: ServerResponse): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  answerProblem(
    res,
    'ERR_NOT_FOUND',
    `No route for ${req.method ?? 'a request'} to a target without a path`,
  );
}

/** A problem written on `res` without the app, and the connection closed after it. */
function answerProblem(res: ServerResponse, code: ProblemCode, detail: string): void {
  const { status, body } = protocolProblem(code, detail);
  res.writeHead(status, {
    'Content-Type': 'application/problem+json',
    'Content-Length': Buffer.byteLength(body),
    Connection: 'close',
  });
  res.end(body);
}

export function answerBadHost(res: ServerResponse, why: string): void {
  answerProblem(res, 'ERR_INVALID_REQUEST', why);
}
