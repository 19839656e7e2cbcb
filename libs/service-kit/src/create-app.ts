import express, { type Express, type RequestHandler, type Response } from 'express';
import { ServerResponse } from 'node:http';
import { parse as parseQueryString } from 'node:querystring';
import { performance } from 'node:perf_hooks';
import {
  endServerSpan,
  runInRequestContext,
  sampledTraceId,
  startServerSpan,
} from '@concurrency-lab/telemetry';
import type { Span } from '@opentelemetry/api';
import { admission } from './admission';
import { answeredByClientError } from './client-errors';
import { lingerAfterAnswer } from './lingering-close';
import { problemHandler } from './problem-handler';
import { protocolRefusal } from './protocol-refusal';
import { DeadlineClock, type RequestDeadline } from './request-deadline';
import { RouteTable } from './route-table';
import { bodyStillToCome } from './request-body';
import { refusingUnmetExpectation } from './unmet-expectation';
import { defineCounterRoutes } from './routes/counter-routes';
import { defineCpuRoutes } from './routes/cpu-routes';
import { defineCustomRoutes } from './routes/custom-routes';
import { defineImageRoutes } from './routes/image-routes';
import { defineIoRoutes } from './routes/io-routes';
import { defineProbeRoutes } from './routes/probe-routes';
import type { ServiceContext } from './service-context';

/**
 * The response headers that matter for a JSON API, instead of helmet's dozen (about 4 µs a
 * request, most of them about HTML pages; these three cost under 1 µs): no MIME sniffing of a
 * JSON body into something executable; a policy that lets nothing load or frame if a response
 * is ever rendered as a page; and no cross-origin embedding of our answers. (Left out: HSTS -
 * the services speak plain HTTP; X-Frame-Options - frame-ancestors supersedes it; COOP,
 * Origin-Agent-Cluster, Referrer-Policy, X-DNS-Prefetch-Control, X-Download-Options,
 * X-Permitted-Cross-Domain-Policies, X-XSS-Protection - browser features of documents.)
 */
const SECURITY_HEADERS: ReadonlyArray<readonly [string, string]> = [
  ['X-Content-Type-Options', 'nosniff'],
  ['Content-Security-Policy', "default-src 'none'; frame-ancestors 'none'"],
  ['Cross-Origin-Resource-Policy', 'same-origin'],
];

/**
 * The request lifecycle, as the first middleware and one `close` listener (shared, not a
 * closure per request): security headers, start time, the deadline (see `DeadlineClock`), the
 * server span when tracing is on (the rest of the chain runs in its context), a request of an
 * HTTP version or a transfer coding the service does not serve sent on to its 400 or 501 (see
 * protocol-refusal.ts), and one whose `Expect` no service meets to its 417 (see
 * unmet-expectation.ts); at the end the
 * deadline is released (or the work aborted, if the client left), the span ended, and
 * `http_server_request_duration_seconds` recorded with the trace as its exemplar — with the
 * status {@link CLIENT_CLOSED} for a request whose client left before its answer was complete.
 */
/**
 * The `status_code` recorded for a request whose client closed the connection before the whole
 * answer was sent (nginx's 499, "client closed request"). Not what the response object says:
 * an answer never written still carries Node's default, 200, and was counted as a success —
 * exactly when clients give up under load. The server span gets no response status then.
 */
export const CLIENT_CLOSED = 499;

function requestLifecycle(ctx: ServiceContext): RequestHandler {
  const { metrics, state } = ctx;
  const clock = new DeadlineClock(ctx.config.requestTimeoutMs);
  function endRequest(this: Response): void {
    const locals = this.locals;
    clock.finish(locals['deadline'] as RequestDeadline, !this.writableFinished);
    metrics.activeRequests.dec();
    const route = locals['route'] as string | undefined;
    const span = locals['span'] as Span | undefined;
    const traceId = sampledTraceId(span);
    const answered = this.writableFinished || answeredByClientError.has(this);
    const status = answered ? this.statusCode : CLIENT_CLOSED;
    if (span) endServerSpan(span, this.req.method, answered ? status : undefined, route);
    metrics.requestDuration.observe({
      labels: {
        method: this.req.method,
        route: route ?? 'unmatched',
        status_code: String(status),
      },
      value: (performance.now() - (locals['startedAt'] as number)) / 1000,
      // The trace of this very request, so a slow bucket links to a trace that explains it.
      // (prom-client types exemplar labels as the metric's own label names; any name is valid.)
      exemplarLabels: traceId ? ({ trace_id: traceId } as never) : undefined,
    });
  }
  return (req, res, next) => {
    for (const [name, value] of SECURITY_HEADERS) res.setHeader(name, value);
    const locals = res.locals;
    locals['startedAt'] = performance.now();
    locals['deadline'] = clock.start();
    metrics.activeRequests.inc();
    res.on('close', endRequest);
    // Keep-alive sockets must not pin a draining server open. Only requests that arrive while
    // draining: an answer already in flight keeps its connection for the requests its client
    // has pipelined behind it (see KeepAliveDrain), which a close would lose.
    if (state.draining) res.setHeader('Connection', 'close');
    const refused = protocolRefusal(req);
    const proceed =
      refused === undefined ? refusingUnmetExpectation(req, next) : () => next(refused);
    const traced = startServerSpan(req);
    if (!traced) {
      proceed();
      return;
    }
    locals['span'] = traced.span;
    runInRequestContext(traced, proceed);
  };
}

/**
 * node:querystring's own options but for its cap on pairs: by default it keeps the first 1,000
 * `&`-separated pairs and silently drops the rest, so an unknown or repeated parameter sent after
 * 1,000 empty pairs (`?n=5&&&…&bogus=1`) was never seen and the request was served. Without a cap
 * every pair is read; the input is bounded anyway, by `HTTP_MAX_HEADER_SIZE` (the request line is
 * part of the head).
 */
const EVERY_PAIR = { maxKeys: 0 } as const;

/**
 * The app's query parser: node:querystring (what express's `'simple'` setting uses), so a
 * repeated key becomes an array (refused: 400), with no cap on the pairs it reads.
 */
function readQuery(query: string | null): Record<string, unknown> {
  // express hands over null for a target without `?`.
  return parseQueryString(query ?? '', '&', '=', EVERY_PAIR);
}

/**
 * The contract's HTTP API as one express 5 app. Models differ only in `ctx.runner` (where CPU
 * work runs), `ctx.counter` (where the shared counter lives) and `ctx.metricsProvider`.
 */
export function createApp(ctx: ServiceContext): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('query parser', readQuery);
  app.set('etag', false);
  // Read when the app's router is first built, just below: routes are matched case-sensitively
  // and with or without a trailing slash.
  app.set('case sensitive routing', true);
  app.set('strict routing', false);
  closingWhenDue(app);
  app.use(requestLifecycle(ctx));

  // Routes go on the app's own router: a nested router would cost a second dispatch per request.
  const routes = new RouteTable(app.router);
  const admit = admission(ctx);
  defineProbeRoutes(routes, ctx);
  defineCpuRoutes(routes, ctx, admit);
  defineImageRoutes(routes, ctx, admit);
  defineIoRoutes(routes, ctx, admit);
  defineCounterRoutes(routes, ctx, admit);
  if (ctx.workload) defineCustomRoutes(routes, ctx, admit, ctx.workload);
  app.use(routes.fallback());
  app.use(problemHandler(ctx.logger, ctx.metrics));
  return app;
}

/** Node's own `writeHead`, which the app's override below calls on, with its `this`. */
const nodeWriteHead = Reflect.get(ServerResponse.prototype, 'writeHead') as (
  this: ServerResponse,
  ...args: unknown[]
) => ServerResponse;

/**
 * A request whose body is still arriving when its answer's head is written — a body sent to a
 * route that reads none, or a refusal before the body was read — ends its connection with the
 * answer, lingering (`lingerAfterAnswer`). Kept alive, Node would read and discard the rest of
 * the body, however large, for a next request on that connection, and a request timeout could
 * then answer a second time on it. Decided as the head is written, not when the request
 * arrives: a route that reads its body has read it by then. On the app's response prototype
 * (express's `app.response`), so Node's own implicit head (`res.end()` without `writeHead`)
 * passes here too; per answer it costs one check.
 */
function closingWhenDue(app: Express): void {
  (app.response as unknown as ServerResponse).writeHead = function writeHead(
    this: ServerResponse,
    ...args: unknown[]
  ): ServerResponse {
    if (bodyStillToCome(this.req)) {
      this.shouldKeepAlive = false;
      lingerAfterAnswer(this.req.socket);
    }
    return nodeWriteHead.apply(this, args);
  };
}
