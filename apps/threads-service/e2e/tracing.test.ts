import { startOtlpReceiver, startTracing, type OtlpReceiver } from '@concurrency-lab/telemetry';
import { appEntry, launch } from '@concurrency-lab/launcher';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { threadId } from 'node:worker_threads';
import { createPool, never } from '../test/pool-helpers';

describe('a pool task in the request trace (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ model: 'threads', exporter, instrument: false });
  afterEach(() => exporter.reset());
  afterAll(() => tracing.shutdown());

  it('records a queue-wait span and a run span on another thread, in the same trace', async () => {
    const { pool } = createPool();
    try {
      const tracer = trace.getTracer('test');
      await tracer.startActiveSpan('GET /cpu/fib', { kind: SpanKind.SERVER }, async (server) => {
        await pool.run({ kind: 'fib', n: 20 }, { signal: never() });
        server.end();
      });
      const spans = exporter.getFinishedSpans();
      const server = spans.find((s) => s.name === 'GET /cpu/fib');
      const wait = spans.find((s) => s.name === 'pool.queue_wait');
      const run = spans.find((s) => s.name === 'pool.run fib');
      expect([server, wait, run].every(Boolean)).toBe(true);
      const traceId = server?.spanContext().traceId;
      expect(wait?.spanContext().traceId).toBe(traceId);
      expect(run?.spanContext().traceId).toBe(traceId);
      expect(wait?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
      expect(run?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
      expect(run?.attributes['thread.id']).not.toBe(threadId);
      expect(run?.attributes['thread.id']).toBeGreaterThan(0);
      // The thread read the same trace id from the task envelope.
      expect(run?.attributes['lab.thread_trace_id']).toBe(traceId);
    } finally {
      await pool.close();
    }
  });

  it('records no pool spans outside a trace', async () => {
    const { pool } = createPool();
    try {
      await pool.run({ kind: 'fib', n: 5 }, { signal: never() });
      expect(exporter.getFinishedSpans()).toEqual([]);
    } finally {
      await pool.close();
    }
  });
});

describe('threads-service exporting over OTLP/HTTP (real process, real receiver)', () => {
  let receiver: OtlpReceiver;
  beforeEach(async () => {
    receiver = await startOtlpReceiver();
  });
  afterEach(() => receiver.close());

  it('exports one trace per request: server span → queue wait → run on a pool thread', async () => {
    const service = await launch(appEntry('threads-service'), {
      env: { WORKERS: '2', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    const response = await fetch(`${service.url}/cpu/fib?n=20`);
    expect(response.status).toBe(200);
    const openMetrics = await (
      await fetch(`${service.url}/metrics`, {
        headers: { accept: 'application/openmetrics-text; version=1.0.0' },
      })
    ).text();
    expect(await service.stop()).toEqual({ code: 0, signal: null });

    const server = receiver.spans.find(
      (s) => s.kind === 2 && s.attributes['http.route'] === '/cpu/fib',
    );
    expect(server).toBeDefined();
    const trace = receiver.spans.filter((s) => s.traceId === server?.traceId);
    const run = trace.find((s) => s.name === 'pool.run fib');
    expect(trace.map((s) => s.name)).toEqual(
      expect.arrayContaining(['pool.queue_wait', 'pool.run fib']),
    );
    expect(run?.attributes['thread.id']).toBeGreaterThan(0);
    expect(server?.resource['service.name']).toBe('concurrency-lab-threads');
    expect(server?.resource['lab.model']).toBe('threads');
    // /metrics itself is not traced.
    expect(
      receiver.spans.some((s) =>
        String(s.attributes['http.target'] ?? s.attributes['url.path'] ?? '').startsWith(
          '/metrics',
        ),
      ),
    ).toBe(false);
    // The OpenMetrics scrape carries exemplars whose trace ids are exported traces.
    const exemplars = [
      ...openMetrics.matchAll(
        /http_server_request_duration_seconds_bucket\{[^}]*route="\/cpu\/fib"[^}]*\} \d+ # \{trace_id="([0-9a-f]{32})"\}/g,
      ),
    ].map((m) => m[1]);
    expect(exemplars.length).toBeGreaterThan(0);
    for (const id of exemplars) expect(receiver.spans.some((s) => s.traceId === id)).toBe(true);
  }, 30_000);

  it('flushes the spans of requests still in flight at SIGTERM before it exits', async () => {
    const service = await launch(appEntry('threads-service'), {
      env: { WORKERS: '1', OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url },
    });
    const inFlight = fetch(`${service.url}/io/sleep?ms=800`);
    await new Promise((resolve) => setTimeout(resolve, 200));
    service.child.kill('SIGTERM');
    expect((await inFlight).status).toBe(200);
    expect(await service.exited).toEqual({ code: 0, signal: null });
    expect(
      receiver.spans.some((s) => s.kind === 2 && s.attributes['http.route'] === '/io/sleep'),
    ).toBe(true);
  }, 30_000);
});
