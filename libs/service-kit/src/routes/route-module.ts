import type { Request, RequestHandler, Response } from 'express';
import type { RouteTable } from '../route-table';
import type { ServiceContext } from '../service-context';

/**
 * A module of the contract's admitted routes (cpu, image, io, counter): it defines its paths on
 * the route table, each behind `admit` (event-loop admission and the in-flight bound), and
 * serves them from the service's context. `createApp` calls every module the same way.
 */
export type RouteModule = (routes: RouteTable, ctx: ServiceContext, admit: RequestHandler) => void;

/** A route's parameters, read before admission: see {@link parseThenAdmit}. */
export interface AdmittedParams<T> {
  /** The route's middleware in place of `admit`: parses, then admits. */
  readonly admit: RequestHandler;
  /** What `parse` returned for this request (in a handler behind {@link admit}). */
  params(res: Response): T;
}

const PARAMS = 'params';

/**
 * Parses a request's parameters, then admits it: a malformed, unknown or repeated parameter is
 * a 400 whatever the load, never a 503 whose `Retry-After` invites a retry that cannot succeed
 * (and counts as shed). One middleware, not two: every layer is paid per request.
 */
export function parseThenAdmit<T>(
  parse: (req: Request) => T,
  admit: RequestHandler,
): AdmittedParams<T> {
  return {
    admit: (req, res, next) => {
      // A throw here (ProblemError 400) reaches the error handler: Express catches it.
      res.locals[PARAMS] = parse(req);
      return admit(req, res, next);
    },
    params: (res) => res.locals[PARAMS] as T,
  };
}
