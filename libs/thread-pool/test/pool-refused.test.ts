import { startTracing } from '@concurrency-lab/telemetry';
import { SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { createPool, eventually, never } from './pool-helpers';

/*
 * A task close() drops from the runner's queue, or one given after close(), never reached a
 * thread. It was answered as if its thread had failed under it: "The thread pool closed while
 * this task ran", and a span marked as the error of a worker thread running it.
 */
describe('a task the thread pool refuses because it closed', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ model: 'threads', exporter, instrument: false });
  afterAll(() => tracing.shutdown());

  /** Runs `work` under a request's server span; that span's id. */
  const underRequest = (name: string, work: () => Promise<unknown>) =>
    trace.getTracer('test').startActiveSpan(name, { kind: SpanKind.SERVER }, async (span) => {
      const outcome = await work().then(
        (value) => value,
        (error: unknown) => error,
      );
      span.end();
      return { outcome, spanId: span.spanContext().spanId };
    });

  it('is answered 503 ERR_SHUTTING_DOWN as never run, its span no crash: dropped from the queue, or after close()', async () => {
    const { pool } = createPool({ workers: 1, maxQueue: 4, closeTimeoutMs: 30_000 });
    await pool.ready();
    const running = underRequest('running', () =>
      pool.run({ kind: 'fib', n: 30 }, { signal: never() }),
    );
    expect(await eventually(() => pool.stats().running === 1)).toBe(true);
    const dropped = underRequest('dropped', () =>
      pool.run({ kind: 'fib', n: 5 }, { signal: never() }),
    );
    expect(pool.stats().queued).toBe(1);
    const closed = pool.close();
    const after = underRequest('after', () => pool.run({ kind: 'fib', n: 6 }, { signal: never() }));
    const [ran, refused, late] = await Promise.all([running, dropped, after]);
    await closed;
    // The control: the task already on its thread finished within closeTimeoutMs.
    expect(ran.outcome).toMatchObject({ result: 832040 });
    for (const { outcome } of [refused, late]) {
      expect(outcome).toMatchObject({
        code: 'ERR_SHUTTING_DOWN',
        status: 503,
        retryAfterSeconds: 1,
        detail: 'The thread pool closed before this task reached a thread: it never ran',
      });
    }
    expect(pool.stats()).toMatchObject({ crashed: 0, completed: 1 });
    const spans = exporter.getFinishedSpans();
    for (const { spanId } of [refused, late]) {
      const pool = spans.filter((s) => s.parentSpanContext?.spanId === spanId);
      expect(pool.map((s) => s.name)).toEqual(['pool.task fib']);
      // Not the error of a worker thread that failed under it: no such thread.
      expect(pool[0]?.status.code).toBe(SpanStatusCode.UNSET);
      expect(pool[0]?.events).toEqual([]);
    }
  });

  it('is not a task already on its thread when close() begins: its own failure stays itself (a corrupt PNG, 400)', async () => {
    const { pool } = createPool({ workers: 1 });
    await pool.ready();
    const corrupt = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]);
    const failing = pool.run({ kind: 'filter', filter: 'blur', png: corrupt }, { signal: never() });
    expect(pool.stats().running).toBe(1); // handed to its thread as it came
    const closed = pool.close();
    await expect(failing).rejects.toMatchObject({ code: 'ERR_WORKLOAD_INVALID_IMAGE' });
    await closed;
    expect(pool.stats()).toMatchObject({ failed: 1, crashed: 0 });
  });
});
