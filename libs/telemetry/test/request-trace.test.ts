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

/**
 * `spans`, whose lookups (`find`) throw past 100: a walk that goes round without end fails the
 * test instead of hanging the run (a loop of synchronous code no test timeout interrupts).
 */
function lookupsBounded(spans: ReceivedSpan[]): ReceivedSpan[] {
  let lookups = 0;
  const list = [...spans];
  Object.defineProperty(list, 'find', {
    value: (predicate: (s: ReceivedSpan) => boolean) => {
      if (++lookups > 100) throw new Error('descends went round the cycle 100 times');
      return spans.find(predicate);
    },
  });
  return list;
}

describe('following one request through the spans a receiver got', () => {
  it('requestTrace: the server span of the route and exactly the spans of its trace', () => {
    const trace = requestTrace(received, '/cpu/fib');
    expect(trace.server).toBe(server);
    expect(trace.spans.map((s) => s.spanId).sort()).toEqual(['handler', 'server', 'task']);
    expect(requestTrace(received, '/nope')).toEqual({ server: undefined, spans: [] });
  });

  it("requestTrace: the SERVER span, even when another kind's span carrying the route came first", () => {
    // A CLIENT span (kind 3) of a request a test sent itself, instrumented with its route.
    const client = span('t0', 'client', undefined, {
      kind: 3,
      attributes: { 'http.route': '/cpu/fib' },
    });
    const trace = requestTrace([client, ...received], '/cpu/fib');
    expect(trace.server).toBe(server);
    expect(trace.spans.map((s) => s.spanId).sort()).toEqual(['handler', 'server', 'task']);
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

  it('descends: false, not a loop without end, when the parents go round in a cycle', () => {
    const a = span('t1', 'a', 'b');
    const b = span('t1', 'b', 'a');
    const self = span('t1', 'self', 'self');
    expect(descends(a, server, lookupsBounded([a, b, server]))).toBe(false);
    expect(descends(self, server, lookupsBounded([self, server]))).toBe(false);
    // The control: within the cycle, a parent and a grandparent are still found.
    expect(descends(a, b, [a, b])).toBe(true);
    expect(descends(self, self, [self])).toBe(true);
  });
});
