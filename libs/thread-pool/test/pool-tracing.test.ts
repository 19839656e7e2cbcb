import { startTracing } from '@concurrency-lab/telemetry';
import { SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { threadId } from 'node:worker_threads';
import { createPool, never } from './pool-helpers';

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
