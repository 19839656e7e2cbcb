import type { NextFunction, Request, RequestHandler, Response, Router } from 'express';
import { ProblemError } from './errors';

type Method = 'get' | 'post' | 'delete';

/**
 * Registers routes on a router and remembers, per path, which methods exist — so an unknown
 * path is a 404 and a known path with the wrong method is a 405 with `Allow` — and stamps
 * `res.locals.route` with the *template* for metrics and the trace's server span (never the raw
 * URL: unbounded labels).
 */
export class RouteTable {
  readonly #methods = new Map<string, Set<string>>();
  readonly #router: Router;

  constructor(router: Router) {
    this.#router = router;
  }

  define(method: Method, path: string, first: RequestHandler, ...rest: RequestHandler[]): void {
    const methods = this.#methods.get(path) ?? new Set<string>();
    methods.add(method.toUpperCase());
    if (method === 'get') methods.add('HEAD');
    this.#methods.set(path, methods);
    // Stamped by the route's first handler itself: one router layer less per request.
    const stamped: RequestHandler = (req, res, next) => {
      res.locals['route'] = path;
      return first(req, res, next);
    };
    this.#router[method](path, stamped, ...rest);
  }

  /** The last handler: 405 for a known path, else 404. */
  fallback(): RequestHandler {
    return (req: Request, _res: Response, next: NextFunction) => {
      // The router is not strict about one trailing slash, so neither is the 405 lookup; two or
      // more match no route, and are a 404 here too.
      const methods = this.#methods.get(req.path.replace(/\/$/, '') || '/');
      if (methods) {
        const allow = [...methods].join(', ');
        next(
          new ProblemError(
            'ERR_METHOD_NOT_ALLOWED',
            `${req.method} is not allowed on ${req.path}; allowed: ${allow}`,
            {
              headers: { Allow: allow },
            },
          ),
        );
        return;
      }
      next(new ProblemError('ERR_NOT_FOUND', `No route for ${req.method} ${req.path}`));
    };
  }
}
