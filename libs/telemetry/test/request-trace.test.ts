import type { ReceivedSpan } from '../src/otlp-receiver';
import { descends, requestTrace } from '../src/testing';

/** A span as the receiver stores it; `parent` is the parent's span id. */
function span(
  traceId: string,
  spanId: string,
  parent?: string,
  extra: Partial<ReceivedSpan> = {},
): ReceivedSpan {
  return {
    traceId,
    spanId,
    parentSpanId: parent,
    name: spanId,
    kind: 1,
    attributes: {},
    resource: {},
    protocol: 'http/json',
    ...extra,
  };
}

// Two requests' traces, interleaved as they arrive: a server span, the express handler's span
// under it, a pool task under that; and a second request with one span of its own.
const server = span('t1', 'server', undefined, {
  kind: 2,
  attributes: { 'http.route': '/cpu/fib' },
});
const handler = span('t1', 'handler', 'server');
const task = span('t1', 'task', 'handler');
const other = span('t2', 'other-server', undefined, {
  kind: 2,
  attributes: { 'http.route': '/io/sleep' },
});
const stray = span('t2', 'stray', 'other-server');
const received = [task, other, handler, stray, server];

describe('following one request through the spans a receiver got', () => {
  it('requestTrace: the server span of the route and exactly the spans of its trace', () => {
    const trace = requestTrace(received, '/cpu/fib');
    expect(trace.server).toBe(server);
    expect(trace.spans.map((s) => s.spanId).sort()).toEqual(['handler', 'server', 'task']);
    expect(requestTrace(received, '/nope')).toEqual({ server: undefined, spans: [] });
  });

  it('descends: a parent, a grandparent; never a span of another branch, itself or nothing', () => {
    const { spans } = requestTrace(received, '/cpu/fib');
    expect(descends(handler, server, spans)).toBe(true);
    expect(descends(task, server, spans)).toBe(true); // through the handler span
    expect(descends(server, task, spans)).toBe(false);
    expect(descends(task, task, spans)).toBe(false);
    expect(descends(stray, server, received)).toBe(false);
    expect(descends(undefined, server, spans)).toBe(false);
    // The chain breaks where a parent did not arrive: the grandparent is then out of reach.
    expect(descends(task, server, [task, server])).toBe(false);
  });
});
