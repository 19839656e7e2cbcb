import type { NextFunction, Request, Response } from 'express';
import {
  Deadline,
  DeadlineClock,
  DeadlineExceededError,
  deadlineProblem,
  type RequestDeadline,
} from './deadline-clock';
import type { RunOptions } from './work-runner';

export {
  ClientGoneError,
  DeadlineClock,
  DeadlineExceededError,
  deadlineProblem,
  type RequestDeadline,
} from './deadline-clock';

/**
 * Installs `res.locals.deadline`: aborted at `timeoutMs` by a shared clock, or by the socket
 * closing before the response finished. Closing the response stops tracking it, so a finished
 * request leaves nothing behind. (`createApp` does the same inside its one request-lifecycle
 * middleware; this is the standalone form.)
 */
export function requestDeadline(timeoutMs: number) {
  const clock = new DeadlineClock(timeoutMs);
  // One listener function for every response, not a closure per request.
  function finish(this: Response): void {
    clock.finish(this.locals['deadline'] as RequestDeadline, !this.writableFinished);
  }
  return (_req: Request, res: Response, next: NextFunction): void => {
    res.locals['deadline'] = clock.start();
    res.on('close', finish);
    next();
  };
}

export function getDeadline(res: Response): RequestDeadline {
  return res.locals['deadline'] as RequestDeadline;
}

/**
 * The request's work options for `WorkRunner.run`: its signal, and its deadline's instant for
 * a runner that must check it itself (inline work, whose tasks run back to back while the
 * deadline clock's timer cannot fire).
 */
export function runOptions(res: Response): RunOptions {
  const deadline = getDeadline(res);
  return { signal: deadline.signal, deadlineAt: deadline.at };
}

/**
 * Awaits work under the request's deadline: rejects as soon as the request dies (the work is
 * told through the same signal, if it asked for it), and turns a late result into a 504 as well
 * — CPU work on the event loop cannot be interrupted, but its answer can still be refused.
 */
export async function underDeadline<T>(res: Response, work: Promise<T>): Promise<T> {
  const deadline = res.locals['deadline'] as Deadline;
  // The work may still reject after we stopped waiting for it; that is not unhandled.
  work.catch(noop);
  try {
    const value = await deadline.race(work);
    deadline.check();
    return value;
  } catch (error) {
    if (error instanceof DeadlineExceededError) throw deadlineProblem(deadline.timeoutMs);
    throw error;
  }
}

/**
 * Waits `ms` under the request's deadline (see `RequestDeadline.sleep`); a deadline that passes
 * first is the 504 problem, a client that left rejects with `ClientGoneError`.
 */
export async function sleepUnderDeadline(res: Response, ms: number): Promise<void> {
  const deadline = res.locals['deadline'] as Deadline;
  try {
    await deadline.sleep(ms);
    // The sleep's timer can fire after the deadline passed (the loop was held past both), and
    // before the clock's own timer, due later, aborts the request: as `underDeadline` does.
    deadline.check();
  } catch (error) {
    if (error instanceof DeadlineExceededError) throw deadlineProblem(deadline.timeoutMs);
    throw error;
  }
}

function noop(): void {
  // a rejection someone else handles
}
