import type { NextFunction, Request, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { ProblemError } from './errors';

/** Why a request's work was cancelled. */
export class DeadlineExceededError extends Error {
  override readonly name = 'DeadlineExceededError';
  readonly code = 'ERR_DEADLINE_EXCEEDED';
}
export class ClientGoneError extends Error {
  override readonly name = 'ClientGoneError';
  readonly code = 'ERR_CLIENT_GONE';
}

/** Per-request cancellation, on `res.locals.deadline`. */
export interface RequestDeadline {
  /** Aborts when the deadline passes or the client disconnects; hand it to all the work. */
  readonly signal: AbortSignal;
  /** `performance.now()` value at which the deadline passes. */
  readonly at: number;
  /** Throws the 504 problem if the deadline has passed (for work that could not be interrupted). */
  check(): void;
}

/**
 * Installs `res.locals.deadline`: one AbortController per request, aborted by a timer at
 * `timeoutMs` or by the socket closing before the response finished. The timer is cleared when
 * the response ends, so a finished request leaves nothing behind.
 */
export function requestDeadline(timeoutMs: number) {
  return (_req: Request, res: Response, next: NextFunction): void => {
    const controller = new AbortController();
    const at = performance.now() + timeoutMs;
    const timer = setTimeout(() => {
      controller.abort(new DeadlineExceededError(`deadline of ${timeoutMs} ms exceeded`));
    }, timeoutMs);
    const deadline: RequestDeadline = {
      signal: controller.signal,
      at,
      check() {
        if (controller.signal.reason instanceof DeadlineExceededError || performance.now() > at) {
          throw deadlineProblem(timeoutMs);
        }
      },
    };
    res.locals['deadline'] = deadline;
    res.locals['timeoutMs'] = timeoutMs;
    res.once('close', () => {
      clearTimeout(timer);
      if (!res.writableFinished) controller.abort(new ClientGoneError('client disconnected'));
    });
    next();
  };
}

export function deadlineProblem(timeoutMs: number): ProblemError {
  return new ProblemError(
    'ERR_DEADLINE_EXCEEDED',
    `The request did not complete within its deadline of ${timeoutMs} ms; its work was cancelled`,
  );
}

export function getDeadline(res: Response): RequestDeadline {
  return res.locals['deadline'] as RequestDeadline;
}

/**
 * Awaits work under the request's deadline: rejects as soon as the signal aborts (the work is
 * told through the same signal), and turns a late result into a 504 as well — CPU work on the
 * event loop cannot be interrupted, but its answer can still be refused.
 */
export async function underDeadline<T>(res: Response, work: Promise<T>): Promise<T> {
  const deadline = getDeadline(res);
  const { signal } = deadline;
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason);
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
  });
  aborted.catch(() => undefined);
  try {
    const value = await Promise.race([work, aborted]);
    deadline.check();
    return value;
  } catch (error) {
    if (error instanceof DeadlineExceededError) throw deadlineProblem(res.locals['timeoutMs']);
    throw error;
  } finally {
    if (onAbort) signal.removeEventListener('abort', onAbort);
    work.catch(() => undefined);
  }
}
