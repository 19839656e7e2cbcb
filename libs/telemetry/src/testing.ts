import { afterAll, afterEach, beforeAll, beforeEach } from '@jest/globals';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';

/*
 * For the tests that follow one request's trace across threads, processes and IPC: a real OTLP
 * receiver per test or per describe (`otlpReceiverFixture`), and queries over the spans it got.
 * A test-only subpath (`@concurrency-lab/telemetry/testing`): what ships never reads a trace back.
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
 * spans between (express's handler span between the HTTP span and a pool task's). False, not a
 * loop without end, when the parents go round in a cycle (a span its own parent, or two each
 * other's: what a broken exporter or a test's hand-made spans can send) without meeting it.
 */
export function descends(
  span: ReceivedSpan | undefined,
  ancestor: ReceivedSpan | undefined,
  trace: readonly ReceivedSpan[],
): boolean {
  const visited = new Set<ReceivedSpan>();
  for (let at = span; at?.parentSpanId !== undefined && !visited.has(at);) {
    if (at.parentSpanId === ancestor?.spanId) return true;
    visited.add(at);
    at = trace.find((s) => s.spanId === at?.parentSpanId);
  }
  return false;
}

/**
 * The OTLP receiver of one `describe` (call it in the describe's body): a real receiver started
 * before each test and closed after it, or, with `{ per: 'describe' }`, once around the
 * describe's tests. What it returns reads the current receiver's `url`, `spans` and `counts`; the
 * fixture owns `close`. Its hooks are registered where it is called: a before-hook declared after
 * it (one that starts a service exporting to `url`) runs once the receiver listens.
 */
export function otlpReceiverFixture({ per = 'test' }: { per?: 'test' | 'describe' } = {}): Omit<
  OtlpReceiver,
  'close'
> {
  let current: OtlpReceiver | undefined;
  const [before, after] = per === 'test' ? [beforeEach, afterEach] : [beforeAll, afterAll];
  before(async () => {
    current = await startOtlpReceiver();
  });
  after(async () => {
    const closing = current;
    current = undefined;
    await closing?.close();
  });
  const receiver = (): OtlpReceiver => {
    if (!current)
      throw new Error('otlpReceiverFixture() is read outside the tests of its describe');
    return current;
  };
  return {
    get url() {
      return receiver().url;
    },
    get spans() {
      return receiver().spans;
    },
    get counts() {
      return receiver().counts;
    },
  };
}
