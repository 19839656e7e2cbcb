/**
 * Every error a service answers is `application/problem+json` (RFC 9457) with a stable `code`.
 * This file is the one registry of codes → HTTP status; routes throw `ProblemError`s by code and
 * the error middleware renders them. Tests assert codes, never message text.
 *
 * Two kinds of code live here: the contract's HTTP problem codes (unprefixed, as docs/contract.md
 * names them) and the kit's own (`ERR_KIT_*`). Libraries keep their own namespaced codes
 * (`ERR_WORKLOAD_INVALID_IMAGE`, `ERR_EXECUTOR_WORKER_CRASHED`, …); `problemCodeOf` maps those a
 * client can cause, or a model can suffer, to the problem the contract answers with — in one place.
 * Like every error module, it imports nothing but `@concurrency-lab/errors` (docs/errors.md's
 * generator loads it from its source).
 */
import { catalog, coded } from '@concurrency-lab/errors';

/** Every code of the kit's own starts with this (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_KIT_';

export const PROBLEM_TYPES = {
  ERR_INVALID_PARAM: { status: 400, title: 'Invalid parameter' },
  ERR_INVALID_IMAGE: { status: 400, title: 'Invalid image' },
  ERR_INVALID_BODY: { status: 400, title: 'Invalid request body' },
  ERR_INVALID_REQUEST: { status: 400, title: 'Invalid request' },
  ERR_NOT_FOUND: { status: 404, title: 'Not found' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  ERR_REQUEST_TIMEOUT: { status: 408, title: 'Request timeout' },
  ERR_BODY_TOO_LARGE: { status: 413, title: 'Body too large' },
  ERR_IMAGE_TOO_LARGE: { status: 413, title: 'Image too large' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  ERR_EXPECTATION_FAILED: { status: 417, title: 'Expectation failed' },
  ERR_HEADERS_TOO_LARGE: { status: 431, title: 'Request headers too large' },
  ERR_INTERNAL: { status: 500, title: 'Internal error' },
  ERR_WORKER_CRASHED: { status: 500, title: 'Worker crashed' },
  ERR_WORK_FAILED: { status: 500, title: 'Work failed' },
  ERR_NOT_IMPLEMENTED: { status: 501, title: 'Not implemented' },
  ERR_UPSTREAM: { status: 502, title: 'Upstream failed' },
  ERR_OVERLOADED: { status: 503, title: 'Overloaded' },
  ERR_SHUTTING_DOWN: { status: 503, title: 'Shutting down' },
  ERR_DEADLINE_EXCEEDED: { status: 504, title: 'Deadline exceeded' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;

/**
 * Library codes that reach the HTTP layer (thrown inline, or carried back from a thread or a
 * process), and the contract's problem each one is answered with.
 */
export const PROBLEM_FOR_CODE: Readonly<Record<string, ProblemCode>> = {
  ERR_WORKLOAD_INVALID_IMAGE: 'ERR_INVALID_IMAGE',
  ERR_WORKLOAD_IMAGE_TOO_LARGE: 'ERR_IMAGE_TOO_LARGE',
  ERR_WORKLOAD_INVALID_ARGUMENT: 'ERR_INVALID_PARAM',
  ERR_WORKLOAD_RUN_FAILED: 'ERR_WORK_FAILED',
  ERR_EXECUTOR_WORKER_CRASHED: 'ERR_WORKER_CRASHED',
  ERR_EXECUTOR_QUEUE_FULL: 'ERR_OVERLOADED',
  ERR_KIT_DEADLINE: 'ERR_DEADLINE_EXCEEDED',
};

/** The problem a code is answered with: a problem code itself, or a mapped library code. */
export function problemCodeOf(code: unknown): ProblemCode | undefined {
  if (typeof code !== 'string') return undefined;
  if (Object.hasOwn(PROBLEM_TYPES, code)) return code as ProblemCode;
  return Object.hasOwn(PROBLEM_FOR_CODE, code) ? PROBLEM_FOR_CODE[code] : undefined;
}

/** True for an error whose code is answered with a 4xx: the client's fault, not the model's. */
export function isClientError(error: unknown): boolean {
  const problem = problemCodeOf((error as { code?: unknown } | null)?.code);
  return problem !== undefined && PROBLEM_TYPES[problem].status < 500;
}

/** The JSON body of every error response. */
export interface ProblemBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ProblemCode;
}

export interface ProblemOptions {
  /** Seconds for a `Retry-After` header (503s). */
  retryAfterSeconds?: number;
  /** For 503s: the `reason` label of `lab_shed_total` this refusal counts under. */
  shedReason?: string;
  /** Extra headers, e.g. `Allow` on a 405. */
  headers?: Record<string, string>;
  cause?: unknown;
}

export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  readonly code: ProblemCode;
  readonly status: number;
  readonly detail: string;
  readonly retryAfterSeconds: number | undefined;
  readonly headers: Record<string, string>;
  readonly shedReason: string | undefined;

  constructor(code: ProblemCode, detail: string, options: ProblemOptions = {}) {
    super(detail, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = PROBLEM_TYPES[code].status;
    this.detail = detail;
    this.retryAfterSeconds = options.retryAfterSeconds;
    this.headers = options.headers ?? {};
    this.shedReason = options.shedReason;
  }

  toBody(): ProblemBody {
    return problemBody(this.code, this.detail);
  }
}

/** `type` is a stable URI per code; it documents itself in docs/errors.md. */
export function problemBody(code: ProblemCode, detail: string): ProblemBody {
  const { status, title } = PROBLEM_TYPES[code];
  return {
    type: `https://concurrency-lab.dev/problems/${code.toLowerCase().replace(/^err_/, '').replace(/_/g, '-')}`,
    title,
    status,
    detail,
    code,
  };
}

export function isProblemError(error: unknown): error is ProblemError {
  return error instanceof ProblemError;
}

/** A configuration variable out of its domain; the message names each one and its value. */
export class ConfigError extends coded(
  'ERR_KIT_INVALID_CONFIG',
  'A configuration variable is out of its domain',
) {}

/** Why a request's work was cancelled: its deadline passed (answered 504). */
export class DeadlineExceededError extends coded(
  'ERR_KIT_DEADLINE',
  "The request's deadline passed",
) {}

/** Why a request's work was cancelled: its client disconnected (nothing is answered). */
export class ClientGoneError extends coded('ERR_KIT_CLIENT_GONE', 'The client disconnected') {}

const PROBLEM_MEANINGS: Record<ProblemCode, string> = {
  ERR_INVALID_PARAM:
    'A query parameter is missing, malformed, out of range, repeated or unknown; the detail names it, what was expected and what was received.',
  ERR_INVALID_IMAGE: 'The body is not a PNG that can be decoded.',
  ERR_INVALID_BODY:
    'The body could not be read: cut short, framed against HTTP/1.1, or not valid in its `Content-Encoding`.',
  ERR_INVALID_REQUEST:
    'Not valid HTTP/1.1 (a request line or header that does not parse, no `Host`, a version other than HTTP/1.x); answered before any route.',
  ERR_NOT_FOUND: 'No route for this path.',
  ERR_METHOD_NOT_ALLOWED: 'The path exists, the method does not; `Allow` lists the methods.',
  ERR_REQUEST_TIMEOUT:
    'The headers did not arrive within `HTTP_HEADERS_TIMEOUT_MS`, or the request within `HTTP_REQUEST_TIMEOUT_MS`.',
  ERR_BODY_TOO_LARGE:
    'The body is over the 8 MiB limit, on the wire or decoded (refused from `Content-Length` before it is read).',
  ERR_IMAGE_TOO_LARGE: 'The PNG header declares a side over 4096 pixels (checked before decoding).',
  ERR_UNSUPPORTED_MEDIA_TYPE:
    'The body is not of the content type, or in a `Content-Encoding`, the route takes.',
  ERR_EXPECTATION_FAILED:
    'The request’s `Expect` names no `100-continue`, the only expectation a service meets (others beside it are ignored, as Node does).',
  ERR_HEADERS_TOO_LARGE:
    'The request line and headers are over `HTTP_MAX_HEADER_SIZE` bytes, or the headers over 1,000 lines.',
  ERR_INTERNAL: 'An unexpected failure; logged with its stack, which never reaches the client.',
  ERR_WORKER_CRASHED:
    'The thread or process running this request’s work died; only this request fails, the worker is replaced.',
  ERR_WORK_FAILED:
    'The operator’s workload (`LAB_WORKLOAD`, `/work/custom`) threw; its stack is logged, never answered.',
  ERR_NOT_IMPLEMENTED:
    'The request’s `Transfer-Encoding` names a coding besides its final `chunked`, the only one a service implements (RFC 9112 §6.1); answered before any route, the body unread, the connection closed.',
  ERR_UPSTREAM: 'Every page of a scrape failed.',
  ERR_OVERLOADED:
    'A bound was reached (pending work, a pool queue, the event loop); `Retry-After` says when to retry.',
  ERR_SHUTTING_DOWN:
    'The service is draining for shutdown (`/readyz`: or still starting); `Retry-After` says when to retry.',
  ERR_DEADLINE_EXCEEDED:
    'The request passed its deadline; its queued or running work was cancelled.',
};

/** Every code of this module, for docs/errors.md and the workspace's uniqueness test. */
export const ERROR_CATALOG = [
  ...(Object.keys(PROBLEM_TYPES) as ProblemCode[]).map((code) => ({
    code,
    className: 'ProblemError',
    meaning: PROBLEM_MEANINGS[code],
    status: PROBLEM_TYPES[code].status,
    contract: true,
  })),
  {
    code: 'ERR_UPSTREAM_STATUS',
    className: 'ScrapedPage',
    carrier: 'value',
    meaning:
      'In a 200 answer of `/io/scrape`: the upstream answered this page with a non-2xx status.',
    contract: true,
  },
  {
    code: 'ERR_UPSTREAM_TIMEOUT',
    className: 'ScrapedPage',
    carrier: 'value',
    meaning: 'In a 200 answer of `/io/scrape`: this page did not arrive within its 5 s.',
    contract: true,
  },
  {
    code: 'ERR_UPSTREAM_UNREACHABLE',
    className: 'ScrapedPage',
    carrier: 'value',
    meaning:
      'In a 200 answer of `/io/scrape`: the connection for this page failed (refused, reset).',
    contract: true,
  },
  ...catalog(
    [ConfigError, 'A configuration variable is out of its domain; the process refuses to start.'],
    [
      DeadlineExceededError,
      'The abort reason of work whose request passed its deadline (answered 504).',
    ],
    [ClientGoneError, 'The abort reason of work whose client disconnected (nothing is answered).'],
  ),
] as const;
