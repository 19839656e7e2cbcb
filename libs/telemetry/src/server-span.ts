import {
  context,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Context,
  type Span,
  type Tracer,
} from '@opentelemetry/api';
import type { IncomingMessage } from 'node:http';
import { isSampled, TRACER_NAME } from './relay-spans';
import { UNTRACED_PATHS } from './tracing-config';

/** Set while tracing runs (see `enableServerSpans`); undefined = no tracing work per request. */
let active:
  | {
      tracer: Tracer;
      /** The context of an untraced path: nothing under it starts a trace of its own either. */
      suppressed: Context;
      /** The request headers the propagators read (`traceparent`, `baggage`, …). */
      fields: string[];
    }
  | undefined;

/**
 * Called by `startTracing` once the SDK is registered (with `suppressTracing(ROOT_CONTEXT)` from
 * the SDK's core, which an untraced process does not load), and with `false` by its shutdown.
 * The tracer is looked up once here rather than per request.
 */
export function enableServerSpans(on: boolean, untraced: Context = ROOT_CONTEXT): void {
  active = on
    ? {
        tracer: trace.getTracer(TRACER_NAME),
        suppressed: untraced,
        fields: propagation.fields(),
      }
    : undefined;
}

/** A request as tracing sees it: the context to run its handlers in, and its span if any. */
export interface TracedRequest {
  readonly context: Context;
  /** Undefined for the paths that are never traced (scrapes, probes). */
  readonly span: Span | undefined;
}

/** The methods semconv names (HTTP semantic conventions, `http.request.method`). */
const KNOWN_METHODS = new Set([
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'TRACE',
  'QUERY',
]);

/**
 * The path of a request target, without its query (semconv's `url.path`): the target as sent
 * in origin-form (`/metrics?x`), or the part after the authority in absolute-form
 * (`http://host/metrics?x`), which a server must accept (RFC 9112 §3.2.2) and express routes by
 * its path alone — read whole, `GET http://host/metrics` was traced although `/metrics` never is,
 * and its `url.path` carried the scheme and host. Other forms (`*`, CONNECT's `host:port`) are
 * kept as sent. Scanned, not parsed with `URL`: that costs per request, and normalizes the path.
 */
function requestPath(target: string): string {
  let start = 0;
  if (target[0] !== '/') {
    const scheme = target.indexOf('://');
    if (scheme > 0 && /^[a-z][a-z0-9+.-]*$/i.test(target.slice(0, scheme))) {
      // The authority ends at the first `/`, `?` or `#`; the path starts at that `/`, if any.
      const end = target.slice(scheme + 3).search(/[/?#]/);
      if (end < 0 || target[scheme + 3 + end] !== '/') return '/';
      start = scheme + 3 + end;
    }
  }
  const query = target.indexOf('?', start);
  return query < 0 ? target.slice(start) : target.slice(start, query);
}

/**
 * Opens the HTTP server span of an incoming request — what instrumentation-http would, at a
 * fraction of the cost: a continuation of the caller's trace if its headers carry one (W3C
 * trace context unless `OTEL_PROPAGATORS` says otherwise), with the stable semantic-convention
 * attributes a trace view needs (method, path, scheme; route and status at the end) and no
 * others. Returns undefined while tracing is off: the request path then does no tracing work.
 */
export function startServerSpan(req: IncomingMessage): TracedRequest | undefined {
  if (!active) return undefined;
  const path = requestPath(req.url ?? '/');
  if (UNTRACED_PATHS.test(path)) return { context: active.suppressed, span: undefined };
  const raw = req.method ?? 'GET';
  // Semconv: a method outside the known set is `_OTHER` (its own name in
  // `http.request.method_original`) and the span is named `HTTP`: a client's made-up methods
  // must not become span names or attribute values without bound.
  const known = KNOWN_METHODS.has(raw);
  const method = known ? raw : '_OTHER';
  const { headers } = req;
  // Most requests carry no trace context: skip the propagators' parsing for them.
  const parent = active.fields.some((field) => headers[field] !== undefined)
    ? propagation.extract(ROOT_CONTEXT, headers)
    : ROOT_CONTEXT;
  const span = active.tracer.startSpan(
    known ? method : 'HTTP',
    {
      kind: SpanKind.SERVER,
      attributes: {
        'http.request.method': method,
        ...(known ? {} : { 'http.request.method_original': raw }),
        'url.path': path,
        'url.scheme': 'http',
      },
    },
    parent,
  );
  return { context: trace.setSpan(parent, span), span };
}

/**
 * Ends the span with the response's status and, when a route matched, its template: the span
 * is then named `GET /cpu/fib` and carries `http.route` (never the raw URL). A 5xx marks it as
 * an error (the server-span rule; a 4xx is the client's). `statusCode` undefined: the client
 * left before the whole answer was sent, so no response status is recorded (semconv's
 * `http.response.status_code` is what was sent) and `lab.client_closed` says why. Everything
 * is set in one go, at the end, and only on a span that records.
 */
export function endServerSpan(
  span: Span,
  method: string,
  statusCode: number | undefined,
  route: string | undefined,
): void {
  if (span.isRecording()) {
    if (route) {
      span.updateName(`${method} ${route}`);
      span.setAttribute('http.route', route);
    }
    if (statusCode === undefined) {
      span.setAttribute('lab.client_closed', true);
    } else {
      span.setAttribute('http.response.status_code', statusCode);
      if (statusCode >= 500) {
        span.setAttribute('error.type', String(statusCode));
        span.setStatus({ code: SpanStatusCode.ERROR });
      }
    }
  }
  span.end();
}

/** The span's trace id if the trace is sampled (exported), for exemplars and logs. */
export function sampledTraceId(span: Span | undefined): string | undefined {
  const spanContext = span?.spanContext();
  return spanContext && isSampled(spanContext) ? spanContext.traceId : undefined;
}

/** Runs `fn` in the request's context (`context.with`, typed for a middleware's `next`). */
export function runInRequestContext(traced: TracedRequest, fn: () => void): void {
  context.with(traced.context, fn);
}
