import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { performance } from 'node:perf_hooks';
import { ProblemError } from './errors';
import type { LoopShedReason } from './event-loop-gate';
import type { ServiceContext } from './service-context';

/** Why admission refused a request: the `reason` label of `lab_shed_total`. */
type ShedReason = 'shutting_down' | 'queue_full' | LoopShedReason;

/**
 * The bounds on new work, checked before a byte of a body is read: the event loop
 * (`MAX_EVENT_LOOP_DELAY_MS`, `MAX_EVENT_LOOP_UTILIZATION`: a saturated loop makes everything on
 * it wait, `/healthz` included — see `EventLoopMonitor`) and pending work (`MAX_QUEUE`): a work
 * request is admitted only while fewer than `maxQueue` are in flight. Else 503 + `Retry-After`
 * — shedding early costs the client one round trip, queueing without bound costs everyone
 * their latency. Probes and `/metrics` never pass here: they are never shed.
 *
 * While draining, a request that still reaches us is served: in a cluster the primary may hand
 * over a connection after the worker began to drain, and refusing it would fail a request that
 * a rolling restart promised not to fail. Only in the second half of the shutdown budget is new
 * work refused (`ERR_SHUTTING_DOWN`), so that what was admitted can finish before the deadline.
 */
export function admission(ctx: ServiceContext): RequestHandler {
  const { state, config } = ctx;
  // One listener function for every admitted response, not a closure per request. On the
  // response's `close`, once: right after its answer is sent (also one answered on its socket
  // by `clientErrorHandler`, whose connection then lingers), or when its client leaves.
  function release(this: Response): void {
    state.inFlightWork--;
  }
  const { loop } = ctx;
  /**
   * Refuses `req` with `problem`. A body still arriving is not read: the answer says
   * `Connection: close` and our side of the connection ends after it (FIN) — else Node would
   * keep the connection open to read and discard the rest of the upload, up to
   * `HTTP_REQUEST_TIMEOUT_MS` for a client that sends no more.
   */
  function refuse(
    req: Request,
    res: Response,
    next: NextFunction,
    code: 'ERR_SHUTTING_DOWN' | 'ERR_OVERLOADED',
    message: string,
    shedReason: ShedReason,
  ): void {
    if (bodyToCome(req)) {
      res.setHeader('Connection', 'close');
      res.once('finish', endConnection);
    }
    // Every refusal is a 503 that tells the client when to come back.
    next(new ProblemError(code, message, { retryAfterSeconds: 1, shedReason }));
  }
  return (req, res, next) => {
    if (state.draining && performance.now() >= state.refuseNewWorkAt) {
      res.setHeader('Connection', 'close');
      refuse(req, res, next, 'ERR_SHUTTING_DOWN', 'The service is shutting down', 'shutting_down');
      return;
    }
    const loopReason = loop?.shedReason();
    if (loopReason !== undefined) {
      refuse(
        req,
        res,
        next,
        'ERR_OVERLOADED',
        loopReason === 'event_loop_delay'
          ? `The event loop is saturated: delay past MAX_EVENT_LOOP_DELAY_MS (${config.admission.maxEventLoopDelayMs} ms)`
          : `The event loop is saturated: utilization past MAX_EVENT_LOOP_UTILIZATION (${config.admission.maxEventLoopUtilization})`,
        loopReason,
      );
      return;
    }
    if (state.inFlightWork >= config.maxQueue) {
      refuse(
        req,
        res,
        next,
        'ERR_OVERLOADED',
        `${state.inFlightWork} work requests are in flight, the bound (MAX_QUEUE) is ${config.maxQueue}`,
        'queue_full',
      );
      return;
    }
    state.inFlightWork++;
    res.on('close', release);
    next();
  };
}

/** After a refusal's answer: end our side of a connection whose request body was never read. */
function endConnection(this: Response): void {
  this.req.socket.end();
}

/**
 * A body the client is still sending. Not `!req.complete` alone: the request is handed to the
 * app when its headers are parsed, before even an empty body's end — every GET would look
 * unfinished, and closing its keep-alive connection after a refusal would make each refused
 * client reconnect (measured: the accept queue filled, /healthz waited seconds behind it).
 * A request has a body when it says `Transfer-Encoding` or a `Content-Length` above 0.
 */
function bodyToCome(req: Request): boolean {
  if (req.complete) return false;
  const length = req.headers['content-length'];
  return req.headers['transfer-encoding'] !== undefined || (length !== undefined && length !== '0');
}
