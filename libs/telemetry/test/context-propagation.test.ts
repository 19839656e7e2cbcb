import {
  context,
  INVALID_SPAN_CONTEXT,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  type HrTime,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { InMemorySpanExporter } from '@opentelemetry/sdk-trace';
import { performance } from 'node:perf_hooks';
import {
  recordPoolTask,
  recordUnfinishedPoolTask,
  extractContext,
  injectContext,
  traceIdOf,
  activeTraceId,
} from '../src/relay-spans';
import { tracedCall, tracedHandle } from '../src/rpc-tracing';
import { startTracing } from '../src/start-tracing';

describe('trace context across boundaries (in-memory exporter)', () => {
  const exporter = new InMemorySpanExporter();
  const tracing = startTracing({ model: 'test', exporter, instrument: false });
  afterEach(() => exporter.reset());
  afterAll(() => tracing.shutdown());

  const inRequest = <T>(fn: () => Promise<T>) =>
    trace.getTracer('test').startActiveSpan('request', { kind: SpanKind.SERVER }, async (span) => {
      try {
        return await fn();
      } finally {
        span.end();
      }
    });

  it('carries the trace through a serialized message: client span here, server span there', async () => {
    let carried: Record<string, string> = {};
    await inRequest(() =>
      tracedCall('counter.increment', async (carrier) => {
        carried = carrier;
        // "the other process": continues from nothing but the carrier
        return tracedHandle('counter.increment', JSON.parse(JSON.stringify(carrier)), () => 42);
      }),
    );
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'request');
    const client = spans.find((s) => s.kind === SpanKind.CLIENT);
    const server = spans.find(
      (s) => s.kind === SpanKind.SERVER && s.name === 'ipc counter.increment',
    );
    expect(traceIdOf(carried)).toBe(request?.spanContext().traceId);
    expect(client?.parentSpanContext?.spanId).toBe(request?.spanContext().spanId);
    expect(server?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
    expect(server?.spanContext().traceId).toBe(request?.spanContext().traceId);
    // The callee's span says which process handled the call; the caller's is this one's anyway.
    expect(server?.attributes['process.pid']).toBe(process.pid);
    expect(client?.attributes).not.toHaveProperty(['process.pid']);
  });

  it('marks a failed call as an error with the exception recorded, and rethrows', async () => {
    await expect(
      inRequest(() =>
        tracedCall('counter.share', async () => {
          throw Object.assign(new Error('worker gone'), { code: 'ERR_WORKER_CRASHED' });
        }),
      ),
    ).rejects.toThrow('worker gone');
    const client = exporter.getFinishedSpans().find((s) => s.kind === SpanKind.CLIENT);
    expect(client?.status.code).toBe(SpanStatusCode.ERROR);
    expect(client?.events.some((e) => e.name === 'exception')).toBe(true);
  });

  it.each<unknown>([undefined, null])(
    'passes a thrown %p on as it was, from a call and from a handler, each span marked',
    async (value) => {
      const fail = async (): Promise<never> => {
        throw value;
      };
      await expect(inRequest(() => tracedCall('counter.share', fail))).rejects.toBe(value);
      await expect(tracedHandle('counter.share', {}, fail)).rejects.toBe(value);
      const ipc = exporter.getFinishedSpans().filter((s) => s.name === 'ipc counter.share');
      expect(ipc.map((s) => [s.kind, s.status])).toEqual([
        [SpanKind.CLIENT, { code: SpanStatusCode.ERROR, message: String(value) }],
        [SpanKind.SERVER, { code: SpanStatusCode.ERROR, message: String(value) }],
      ]);
    },
  );

  it('carries baggage without a span, and nothing from a context with neither', () => {
    const bag = propagation.createBaggage({ tenant: { value: 'a' } });
    const carrier = injectContext(propagation.setBaggage(context.active(), bag));
    expect(carrier).toEqual({ baggage: 'tenant=a' });
    const read = extractContext(JSON.parse(JSON.stringify(carrier)) as Record<string, string>);
    expect(propagation.getBaggage(read)?.getEntry('tenant')?.value).toBe('a');
    expect(injectContext(context.active())).toEqual({});
    expect(extractContext({})).toBe(context.active());
  });

  it('records quiet methods without spans but keeps their context', async () => {
    let seen: string | undefined;
    await inRequest(() =>
      tracedCall(
        'counter.get',
        (carrier) =>
          tracedHandle('counter.get', carrier, async () => (seen = activeTraceId()), false),
        false,
      ),
    );
    expect(exporter.getFinishedSpans().map((s) => s.name)).toEqual(['request']);
    expect(seen).toBe(exporter.getFinishedSpans()[0]?.spanContext().traceId);
  });

  /** A filter task on thread 7 that failed with `error`, recorded in a request: its run span. */
  async function failedFilterRun(error: { code?: string; message: string }) {
    await inRequest(async () =>
      recordPoolTask({
        submittedAt: 1000,
        startedAt: 1005,
        workMs: 2,
        threadId: 7,
        kind: 'filter',
        error,
      }),
    );
    return exporter.getFinishedSpans().find((s) => s.name === 'pool.run filter');
  }

  it('records a failed pool task as an error span with the thread id', async () => {
    const run = await failedFilterRun({ code: 'ERR_INVALID_IMAGE', message: 'bad png' });
    expect(run?.attributes['thread.id']).toBe(7);
    expect(run?.status).toMatchObject({ code: SpanStatusCode.ERROR, message: 'bad png' });
    expect(injectContext()).toEqual({});
  });

  it('records a failed pool task without an error code as an error too', async () => {
    const run = await failedFilterRun({ message: 'out of memory' });
    expect(run?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'out of memory' });
    expect(run?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['exception', { 'exception.type': 'Error', 'exception.message': 'out of memory' }],
    ]);
  });

  it('carries the trace into threads and processes whatever OTEL_PROPAGATORS set for the edge', async () => {
    // OTEL_PROPAGATORS=none: the global propagator (the service's edge) carries nothing.
    propagation.disable();
    propagation.setGlobalPropagator(new CompositePropagator({ propagators: [] }));
    try {
      const edge: Record<string, string> = {};
      let carried: Record<string, string> = {};
      await inRequest(async () => {
        propagation.inject(context.active(), edge);
        return tracedCall('counter.increment', async (carrier) => {
          carried = carrier;
          return tracedHandle('counter.increment', JSON.parse(JSON.stringify(carrier)), () => 42);
        });
      });
      expect(edge).toEqual({}); // the control: the edge's propagator says nothing
      expect(carried['traceparent']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const spans = exporter.getFinishedSpans();
      const request = spans.find((s) => s.name === 'request');
      const server = spans.find((s) => s.kind === SpanKind.SERVER && s.name !== 'request');
      expect(server?.spanContext().traceId).toBe(request?.spanContext().traceId);
      expect(traceIdOf(carried)).toBe(request?.spanContext().traceId);
    } finally {
      propagation.disable();
      propagation.setGlobalPropagator(
        new CompositePropagator({
          propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
        }),
      );
    }
  });

  /** Epoch ms as a pool thread or process stamps them (its monotonic clock). */
  const threadNow = () => performance.timeOrigin + performance.now();
  /** An HrTime in nanoseconds, exactly (a span that is missing fails the test). */
  const ns = (t: HrTime | undefined): bigint => {
    if (!t) throw new Error('no such span');
    return BigInt(t[0]) * 1_000_000_000n + BigInt(t[1]);
  };

  it('writes the times of a task submitted before its clock started as canonical HrTimes', () => {
    // Nanoseconds in [0, 1e9): a time before the clock's whole second borrows one. The SDK takes
    // an HrTime as it is, and computes durations assuming that form.
    for (let i = 0; i < 5; i++) {
      const perfBefore = performance.now();
      const request = trace.getTracer('test').startSpan('request', { kind: SpanKind.SERVER });
      const [second, nanos] = (request as unknown as { startTime: HrTime }).startTime;
      // Its clock reads performance time `perfBefore` or later: this is at least 0.5 ms before
      // the whole second its epoch time is in.
      const submittedAt = performance.timeOrigin + perfBefore - nanos / 1e6 - 0.5;
      recordPoolTask(
        { submittedAt, startedAt: submittedAt + 0.1, workMs: 0.1, threadId: 1, kind: 'fib' },
        trace.setSpan(context.active(), request),
      );
      request.end();
      const pool = exporter.getFinishedSpans().filter((s) => s.name.startsWith('pool.'));
      expect(pool).toHaveLength(2);
      for (const span of pool) expect(ns(span.startTime)).toBeLessThan(BigInt(second) * 10n ** 9n);
      const times = pool.flatMap((s) => [s.startTime, s.endTime, s.duration]);
      expect(times.filter(([, n]) => n < 0 || n >= 1e9)).toEqual([]);
      exporter.reset();
    }
  });

  it('records the process that ran a pool task when a child process did, and none for a thread', async () => {
    await inRequest(async () => {
      const at = threadNow();
      const task = { submittedAt: at, startedAt: at, workMs: 1, threadId: 1 };
      recordPoolTask({ ...task, kind: 'in-child', pid: 4242 });
      recordPoolTask({ ...task, kind: 'in-thread' });
    });
    const spans = exporter.getFinishedSpans();
    const run = (kind: string) => spans.find((s) => s.name === `pool.run ${kind}`)?.attributes;
    expect(run('in-child')?.['process.pid']).toBe(4242);
    expect(run('in-thread')).not.toHaveProperty(['process.pid']);
  });

  it('records a pool task its worker never reported on: a crash as an error, a cancellation as such', async () => {
    await inRequest(async () => {
      const at = threadNow();
      recordUnfinishedPoolTask({
        submittedAt: at,
        endedAt: at + 1,
        kind: 'fib',
        outcome: 'crashed',
        error: { code: 'ERR_WORKER_CRASHED', message: 'the worker exited with code 1' },
      });
      recordUnfinishedPoolTask({
        submittedAt: at,
        endedAt: at + 1,
        kind: 'sleep',
        outcome: 'cancelled',
      });
    });
    const spans = exporter.getFinishedSpans();
    const [crashed, cancelled] = ['pool.task fib', 'pool.task sleep'].map((name) =>
      spans.find((s) => s.name === name),
    );
    expect(crashed?.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'the worker exited with code 1',
    });
    expect(crashed?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'exception',
        {
          'exception.type': 'ERR_WORKER_CRASHED',
          'exception.message': 'the worker exited with code 1',
        },
      ],
    ]);
    expect(crashed?.attributes).toEqual({ 'lab.task': 'fib' });
    // A cancellation is the request's doing, not an error of the task: its status stays unset.
    expect(cancelled?.attributes).toEqual({ 'lab.task': 'sleep', 'lab.cancelled': true });
    expect(cancelled?.status.code).toBe(SpanStatusCode.UNSET);
    expect(cancelled?.events).toEqual([]);
  });

  it.each([
    ['a sampled request, answered before its task ended (a 504, a client that left)', 1, 2],
    ['a request whose trace is not sampled (the control)', 0, 0],
  ])('records the pool spans of %s', (_, traceFlags, recorded) => {
    const request = trace.getTracer('test').startSpan('request', { kind: SpanKind.SERVER });
    const { traceId, spanId } = request.spanContext();
    request.end();
    const parent = trace.setSpanContext(context.active(), { traceId, spanId, traceFlags });
    const submittedAt = threadNow();
    recordUnfinishedPoolTask(
      { submittedAt, endedAt: threadNow(), kind: 'fib', outcome: 'cancelled' },
      parent,
    );
    recordPoolTask(
      { submittedAt, startedAt: threadNow(), workMs: 1, threadId: 1, kind: 'fib' },
      parent,
    );
    const pool = exporter.getFinishedSpans().filter((s) => s.name.startsWith('pool.'));
    expect(pool.filter((s) => s.name !== 'pool.queue_wait')).toHaveLength(recorded);
    for (const span of pool) expect(span.parentSpanContext?.spanId).toBe(spanId);
  });

  it('records no pool span under an invalid span context: it would start a trace of its own', () => {
    // What a tracer gives where tracing is suppressed: a span whose context is invalid.
    const parent = trace.setSpanContext(context.active(), INVALID_SPAN_CONTEXT);
    const at = threadNow();
    recordPoolTask({ submittedAt: at, startedAt: at, workMs: 1, threadId: 1, kind: 'fib' }, parent);
    recordUnfinishedPoolTask(
      { submittedAt: at, endedAt: at + 1, kind: 'fib', outcome: 'crashed' },
      parent,
    );
    expect(exporter.getFinishedSpans()).toEqual([]);
  });

  it('puts pool spans on the clock of their request span, even when the wall clock was slewed', async () => {
    const realNow = Date.now;
    // The wall clock 40 ms behind the monotonic one, as NTP leaves it after some uptime: the
    // request's span is anchored on Date.now(), the threads stamp monotonic epoch ms.
    Date.now = () => realNow() - 40;
    try {
      await inRequest(async () => {
        const submittedAt = threadNow();
        await new Promise((resolve) => setTimeout(resolve, 5));
        const startedAt = threadNow();
        await new Promise((resolve) => setTimeout(resolve, 5));
        recordPoolTask({
          submittedAt,
          startedAt,
          workMs: threadNow() - startedAt,
          threadId: 1,
          kind: 'fib',
        });
        recordUnfinishedPoolTask({
          submittedAt,
          endedAt: threadNow(),
          kind: 'fib',
          outcome: 'cancelled',
        });
      });
    } finally {
      Date.now = realNow;
    }
    const spans = exporter.getFinishedSpans();
    const request = spans.find((s) => s.name === 'request');
    const pool = spans.filter((s) => s.name.startsWith('pool.'));
    expect(pool.map((s) => s.name).sort()).toEqual([
      'pool.queue_wait',
      'pool.run fib',
      'pool.task fib',
    ]);
    // On the request's own clock, to the nanosecond: one instant is one timestamp (the wait
    // ends where the run begins), and no pool span starts before the request or ends after it.
    const [wait, run] = ['pool.queue_wait', 'pool.run fib'].map((name) =>
      pool.find((s) => s.name === name),
    );
    expect(ns(wait?.endTime)).toBe(ns(run?.startTime));
    for (const span of pool) {
      expect(ns(span.startTime)).toBeGreaterThanOrEqual(ns(request?.startTime));
      expect(ns(span.endTime)).toBeLessThanOrEqual(ns(request?.endTime));
    }
  });

  it.each([
    ['a span of this process', true],
    ["a span context alone (another process's span)", false],
  ])(
    "ends a task's wait at its run's start exactly, and starts it within its parent, under %s",
    (_label, local) => {
      // A task submitted as its request starts: where the millisecond of Date.now() that each
      // span read for itself put a pool span before its parent (the SDK's own clock, per span).
      for (let i = 0; i < 200; i++) {
        const request = trace.getTracer('test').startSpan('request', { kind: SpanKind.SERVER });
        const parent = local
          ? trace.setSpan(context.active(), request)
          : trace.setSpanContext(context.active(), request.spanContext());
        const submittedAt = threadNow();
        recordPoolTask(
          { submittedAt, startedAt: submittedAt + 0.05, workMs: 0.01, threadId: 1, kind: 'fib' },
          parent,
        );
        request.end();
        const spans = exporter.getFinishedSpans();
        const [wait, run, started] = ['pool.queue_wait', 'pool.run fib', 'request'].map((name) =>
          spans.find((s) => s.name === name),
        );
        expect({ i, gap: ns(run?.startTime) - ns(wait?.endTime) }).toEqual({ i, gap: 0n });
        // Another process's span has no clock here to share: the wait starts by its own.
        if (local)
          expect({ i, before: ns(wait?.startTime) < ns(started?.startTime) }).toEqual({
            i,
            before: false,
          });
        exporter.reset();
      }
    },
  );
});
