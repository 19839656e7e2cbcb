import type { Response } from 'express';
import { performance } from 'node:perf_hooks';
import type { ServiceContext } from './service-context';

export interface Timing {
  queueMs: number;
  workMs: number;
  threadId: number;
  /** The process that ran the work, when not this one (a process pool's child). */
  pid?: number | undefined;
}

/** `Server-Timing: queue;dur=…, work;dur=…` — where the time went, visible in any browser. */
export function setServerTiming(res: Response, timing: Pick<Timing, 'queueMs' | 'workMs'>): void {
  res.setHeader(
    'Server-Timing',
    `queue;dur=${timing.queueMs.toFixed(3)}, work;dur=${timing.workMs.toFixed(3)}`,
  );
}

export function elapsedMs(res: Response): number {
  return performance.now() - (res.locals['startedAt'] as number);
}

/**
 * The contract's work answer: `{ model, pid, threadId, result, durationMs }`, `pid` and
 * `threadId` saying where the work ran (a pool child's pid on procpool). Written directly
 * rather than through `res.json`, whose content-type negotiation, charset rewriting, ETag and
 * freshness checks do nothing for an answer that never carries an ETag.
 */
export function sendWork(
  res: Response,
  ctx: ServiceContext,
  result: unknown,
  timing: Timing,
): void {
  setServerTiming(res, timing);
  const body = JSON.stringify({
    model: ctx.model,
    pid: timing.pid ?? process.pid,
    threadId: timing.threadId,
    result,
    durationMs: Number(elapsedMs(res).toFixed(3)),
  });
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  // Said, not left to `end`: Node adds the length of what `end` sends only where it could have
  // chunked, so an HTTP/1.0 keep-alive client (`ab -k`) got no length and a closed connection
  // after every answer (as bare express's `res.send` does not). A HEAD answer sends nothing but
  // must say it too.
  res.setHeader('Content-Length', Buffer.byteLength(body));
  res.end(body);
}
