import type { ReceivedSpan } from './otlp-receiver';

/*
 * Queries over the spans an OTLP receiver got (`startOtlpReceiver().spans`), for the tests that
 * follow one request's trace across threads, processes and IPC. A test-only subpath
 * (`@concurrency-lab/telemetry/testing`): what ships never reads a trace back.
 */

/** OTLP's `SPAN_KIND_SERVER`. */
const SERVER = 2;

/** One request's trace as the receiver got it. */
export interface RequestTrace {
  /** The HTTP server span of the first request to the route; undefined when none arrived. */
  readonly server: ReceivedSpan | undefined;
  /** Every span of that request's trace, the server span included. */
  readonly spans: ReceivedSpan[];
}

/** The trace of the first request to `route` (the `http.route` of its server span). */
export function requestTrace(spans: readonly ReceivedSpan[], route: string): RequestTrace {
  const server = spans.find((s) => s.kind === SERVER && s.attributes['http.route'] === route);
  return { server, spans: spans.filter((s) => s.traceId === server?.traceId) };
}

/**
 * True when `ancestor` is `span`'s parent, grandparent, … within `trace`: a span may sit under
 * spans between (express's handler span between the HTTP span and a pool task's).
 */
export function descends(
  span: ReceivedSpan | undefined,
  ancestor: ReceivedSpan | undefined,
  trace: readonly ReceivedSpan[],
): boolean {
  for (let at = span; at?.parentSpanId !== undefined;) {
    if (at.parentSpanId === ancestor?.spanId) return true;
    at = trace.find((s) => s.spanId === at?.parentSpanId);
  }
  return false;
}
