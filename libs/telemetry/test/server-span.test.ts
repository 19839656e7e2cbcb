import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import type { IncomingMessage } from 'node:http';
import { activeTraceId } from '../src/relay-spans';
import {
  endServerSpan,
  runInRequestContext,
  sampledTraceId,
  startServerSpan,
} from '../src/server-span';
import { startTracing, type Tracing } from '../src/start-tracing';

/** What `startServerSpan` reads of a request. */
const request = (url: string, headers: Record<string, string> = {}) =>
  ({ method: 'GET', url, headers }) as unknown as IncomingMessage;

const PARENT_TRACE = '0af7651916cd43dd8448eb211c80319c';
const PARENT_SPAN = 'b7ad6b7169203331';

describe('HTTP server spans (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  let tracing: Tracing;
  beforeAll(() => {
    tracing = startTracing({ model: 'test', exporter });
  });
  afterEach(() => exporter.reset());
  afterAll(() => tracing.shutdown());

  it('opens one SERVER span, named after the route template it matched, ended with the status', () => {
    const traced = startServerSpan(request('/cpu/fib?n=30'));
    expect(traced?.span).toBeDefined();
    if (!traced?.span) return;
    endServerSpan(traced.span, 'GET', 200, '/cpu/fib');
    const [span, ...others] = exporter.getFinishedSpans();
    expect(others).toEqual([]);
    expect(span?.name).toBe('GET /cpu/fib');
    expect(span?.kind).toBe(SpanKind.SERVER);
    expect(span?.attributes).toEqual({
      'http.request.method': 'GET',
      'url.path': '/cpu/fib',
      'url.scheme': 'http',
      'http.route': '/cpu/fib',
      'http.response.status_code': 200,
    });
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('marks a 5xx as an error and leaves a 4xx alone (the client erred, not the server)', () => {
    for (const status of [500, 504, 499, 404]) {
      const traced = startServerSpan(request('/io/sleep?ms=1'));
      if (traced?.span) endServerSpan(traced.span, 'GET', status, '/io/sleep');
    }
    expect(
      exporter.getFinishedSpans().map((s) => [s.status.code, s.attributes['error.type']]),
    ).toEqual([
      [SpanStatusCode.ERROR, '500'],
      [SpanStatusCode.ERROR, '504'],
      [SpanStatusCode.UNSET, undefined],
      [SpanStatusCode.UNSET, undefined],
    ]);
  });

  it('records no response status for a request whose client left before its answer', () => {
    const traced = startServerSpan(request('/io/sleep?ms=2000'));
    if (traced?.span) endServerSpan(traced.span, 'GET', undefined, '/io/sleep');
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('GET /io/sleep');
    expect(span?.attributes['http.response.status_code']).toBeUndefined();
    expect(span?.attributes['lab.client_closed']).toBe(true);
    expect(span?.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('names a method outside the known set _OTHER, and its span HTTP (semconv)', () => {
    const odd = { method: 'PROPFIND', url: '/cpu/fib', headers: {} } as unknown as IncomingMessage;
    const traced = startServerSpan(odd);
    if (traced?.span) endServerSpan(traced.span, 'PROPFIND', 405, undefined);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('HTTP');
    expect(span?.attributes['http.request.method']).toBe('_OTHER');
    expect(span?.attributes['http.request.method_original']).toBe('PROPFIND');
  });

  it('knows QUERY, the safe method with a body (semconv lists it), by its own name', () => {
    const query = { method: 'QUERY', url: '/cpu/fib', headers: {} } as unknown as IncomingMessage;
    const traced = startServerSpan(query);
    if (traced?.span) endServerSpan(traced.span, 'QUERY', 200, '/cpu/fib');
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('QUERY /cpu/fib');
    expect(span?.attributes['http.request.method']).toBe('QUERY');
    expect(span?.attributes).not.toHaveProperty(['http.request.method_original']);
  });

  it('names a request that matched no route after its method alone (no unbounded names)', () => {
    const traced = startServerSpan(request('/no/such/path/12345'));
    if (traced?.span) endServerSpan(traced.span, 'GET', 404, undefined);
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('GET');
    expect(span?.attributes['http.route']).toBeUndefined();
    expect(span?.attributes['url.path']).toBe('/no/such/path/12345');
    expect(span?.attributes['http.response.status_code']).toBe(404);
  });

  it.each([
    ['http://127.0.0.1:3000/cpu/fib?n=3', '/cpu/fib'],
    ['http://127.0.0.1/io/sleep', '/io/sleep'],
    // No path after the authority: the root, as express reads it; a query is never the path.
    ['http://127.0.0.1?next=/metrics', '/'],
    ['http://127.0.0.1', '/'],
  ])('records %s, an absolute-form target, by its path alone: %s', (target, path) => {
    const traced = startServerSpan(request(target));
    if (!traced?.span) throw new Error('expected a span');
    endServerSpan(traced.span, 'GET', 200, undefined);
    expect(exporter.getFinishedSpans().map((s) => s.attributes['url.path'])).toEqual([path]);
  });

  it("continues the caller's W3C trace, and runs the request in the span's context", () => {
    const traced = startServerSpan(
      request('/mixed', { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-01` }),
    );
    if (!traced?.span) throw new Error('expected a span');
    let inside: string | undefined;
    runInRequestContext(traced, () => {
      inside = activeTraceId();
    });
    expect(inside).toBe(PARENT_TRACE);
    expect(sampledTraceId(traced.span)).toBe(PARENT_TRACE);
    endServerSpan(traced.span, 'GET', 200, '/mixed');
    expect(exporter.getFinishedSpans()[0]?.parentSpanContext?.spanId).toBe(PARENT_SPAN);
  });

  it('gives no trace id for exemplars when the caller did not sample the trace', () => {
    const traced = startServerSpan(
      request('/mixed', { traceparent: `00-${PARENT_TRACE}-${PARENT_SPAN}-00` }),
    );
    if (!traced?.span) throw new Error('expected a span');
    expect(traced.span.isRecording()).toBe(false);
    expect(sampledTraceId(traced.span)).toBeUndefined();
    runInRequestContext(traced, () => expect(activeTraceId()).toBeUndefined());
    endServerSpan(traced.span, 'GET', 200, '/mixed');
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it.each([
    '/metrics',
    '/healthz',
    '/readyz?x=1',
    // Absolute-form targets (RFC 9112 §3.2.2), which express routes by their path.
    'http://127.0.0.1/metrics',
    'http://127.0.0.1:8080/healthz?x=1',
    'HTTP://lab.example/readyz/',
  ])('never traces %s, nor anything that runs under it', (path) => {
    const traced = startServerSpan(request(path));
    expect(traced?.span).toBeUndefined();
    if (!traced) throw new Error('expected a context');
    runInRequestContext(traced, () => {
      const nested = trace.getTracer('test').startSpan('ipc metrics.aggregate');
      expect(nested.isRecording()).toBe(false);
      nested.end();
    });
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('negative control: the same nested span outside an untraced path is recorded', () => {
    const nested = trace.getTracer('test').startSpan('ipc metrics.aggregate', {}, context.active());
    expect(nested.isRecording()).toBe(true);
    nested.end();
    expect(exporter.getFinishedSpans()).toHaveLength(1);
  });
});

describe('HTTP server spans while tracing is off', () => {
  it('does no tracing work at all', () => {
    expect(startServerSpan(request('/cpu/fib?n=1'))).toBeUndefined();
  });

  it('stays off, with a process warning, when OTEL_TRACES_EXPORTER names no exporter the SDK knows', () => {
    const warnings: Array<[string, unknown]> = [];
    const spy = jest
      .spyOn(process, 'emitWarning')
      .mockImplementation((message: string | Error, options?: unknown) => {
        warnings.push([String(message), options]);
      });
    try {
      const tracing = startTracing({ model: 'test', env: { OTEL_TRACES_EXPORTER: 'OTLP' } });
      expect(tracing.enabled).toBe(false);
      expect(startServerSpan(request('/cpu/fib?n=1'))).toBeUndefined();
    } finally {
      spy.mockRestore();
    }
    expect(warnings).toEqual([
      [expect.stringContaining('OTEL_TRACES_EXPORTER=OTLP'), { code: 'ERR_TELEMETRY_CONFIG' }],
    ]);
  });

  it('stops after shutdown', async () => {
    const tracing = startTracing({ model: 'test', exporter: new InMemorySpanExporter() });
    expect(startServerSpan(request('/cpu/fib?n=1'))).toBeDefined();
    await tracing.shutdown();
    expect(startServerSpan(request('/cpu/fib?n=1'))).toBeUndefined();
  });

  it('honours `instrument: false`: spans of our own, no HTTP server spans', async () => {
    const tracing = startTracing({
      model: 'test',
      exporter: new InMemorySpanExporter(),
      instrument: false,
    });
    try {
      expect(startServerSpan(request('/cpu/fib?n=1'))).toBeUndefined();
    } finally {
      await tracing.shutdown();
    }
  });
});
