/**
 * Every error a service answers is `application/problem+json` (RFC 9457) with a stable `code`.
 * This file is the one registry of codes → HTTP status; routes throw `ProblemError`s by code and
 * the error middleware renders them. Tests assert codes, never message text.
 */

export const PROBLEM_TYPES = {
  ERR_INVALID_PARAM: { status: 400, title: 'Invalid parameter' },
  ERR_INVALID_IMAGE: { status: 400, title: 'Invalid image' },
  ERR_INVALID_BODY: { status: 400, title: 'Invalid request body' },
  ERR_NOT_FOUND: { status: 404, title: 'Not found' },
  ERR_METHOD_NOT_ALLOWED: { status: 405, title: 'Method not allowed' },
  ERR_BODY_TOO_LARGE: { status: 413, title: 'Body too large' },
  ERR_IMAGE_TOO_LARGE: { status: 413, title: 'Image too large' },
  ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, title: 'Unsupported media type' },
  ERR_INTERNAL: { status: 500, title: 'Internal error' },
  ERR_WORKER_CRASHED: { status: 500, title: 'Worker crashed' },
  ERR_WORKLOAD_FAILED: { status: 500, title: 'Workload failed' },
  ERR_UPSTREAM: { status: 502, title: 'Upstream failed' },
  ERR_OVERLOADED: { status: 503, title: 'Overloaded' },
  ERR_SHUTTING_DOWN: { status: 503, title: 'Shutting down' },
  ERR_DEADLINE_EXCEEDED: { status: 504, title: 'Deadline exceeded' },
} as const satisfies Record<string, { status: number; title: string }>;

export type ProblemCode = keyof typeof PROBLEM_TYPES;

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
