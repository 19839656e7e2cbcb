import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type SpanContext,
} from '@opentelemetry/api';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { performance } from 'node:perf_hooks';

export const TRACER_NAME = 'concurrency-lab';

/** W3C trace context as plain strings, for a message that crosses a thread or process boundary. */
export type TraceCarrier = Record<string, string>;

/**
 * How a request's context crosses into its threads and processes: W3C trace context and
 * baggage, always. Not the global propagator, which `OTEL_PROPAGATORS` sets for the service's
 * edge (what it reads from and sends to other services): set to `none` or `baggage`, it cut
 * every request's trace at each thread and process (one request, five traces); set to `b3`,
 * it carried no `traceparent` for the pool threads to read.
 */
const INTERNAL = new CompositePropagator({
  propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
});

/** The active context, serialized for a task envelope or an IPC message. */
export function injectContext(ctx: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  INTERNAL.inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

export function extractContext(carrier: TraceCarrier | undefined): Context {
  return INTERNAL.extract(context.active(), carrier ?? {}, defaultTextMapGetter);
}

/** The trace id in a carrier (what a pool thread echoes back to prove the context arrived). */
export function traceIdOf(carrier: TraceCarrier | undefined): string | undefined {
  return trace.getSpanContext(extractContext(carrier))?.traceId;
}

/**
 * The active span's trace id, for exemplars and logs — only when the trace is sampled: an
 * exemplar must point at a trace that was exported.
 */
export function activeTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSampled(spanContext) ? spanContext.traceId : undefined;
}

/** Whether a span context belongs to a sampled (exported) trace. */
export function isSampled(spanContext: SpanContext): boolean {
  return isSpanContextValid(spanContext) && (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0;
}

/**
 * Whether pool spans belong under `parent`: when it is a sampled trace. Not whether its span is
 * still open (`isRecording()` is "not ended" in the SDK): a request answered at once, a 504 or a
 * client that left, ends its span while its task runs on through the cancel grace, and the
 * task's span is recorded after; a child under an ended parent is still exported with its trace.
 */
function tracesUnder(parent: Context): boolean {
  const spanContext = trace.getSpanContext(parent);
  return spanContext !== undefined && isSampled(spanContext);
}

/**
 * An epoch-ms time a thread or process measured (`performance.timeOrigin + performance.now()`
 * there) as this thread's performance time, which the SDK puts on the same clock as the
 * request's span (anchored on `Date.now()` when it started). Handed over as epoch ms, the SDK
 * would take it as is, and the pool spans would sit off their parent by the gap between the
 * monotonic clock and the wall clock (a millisecond or more, growing as the wall clock is slewed).
 * Never later than now: the SDK reads a performance time past now as epoch ms.
 */
function spanTime(epochMs: number): number {
  return Math.min(epochMs - performance.timeOrigin, performance.now());
}

export interface RelayedWork {
  /** Epoch ms when the task was handed to the pool. */
  submittedAt: number;
  /** Epoch ms when a thread started it. */
  startedAt: number;
  workMs: number;
  threadId: number;
  kind: string;
  error?: { code?: string; message: string };
  /** The trace id the thread read from the task envelope. */
  threadTraceId?: string;
  /** The process that ran it, when a pool's child did (`process.pid` on the run span). */
  pid?: number;
}

/**
 * Records a pool task as two spans under the caller's context: the wait in the queue and the
 * run on the worker thread (with its thread id). The thread measures; the main thread records.
 * Pool threads do not run an SDK of their own: one exporter per process, nothing buffered in a
 * thread that may be terminated to cancel its task, and no SDK boot cost per thread — at the
 * price of spans created *inside* a task, which we do not need.
 */
export function recordPoolTask(work: RelayedWork, parent: Context = context.active()): void {
  // Work outside any request (warm-ups, benchmarks) would start traces of its own: skip it.
  if (!tracesUnder(parent)) return;
  const tracer = trace.getTracer(TRACER_NAME);
  const wait = tracer.startSpan(
    'pool.queue_wait',
    {
      kind: SpanKind.INTERNAL,
      startTime: spanTime(work.submittedAt),
      attributes: { 'lab.task': work.kind },
    },
    parent,
  );
  wait.end(spanTime(Math.max(work.submittedAt, work.startedAt)));
  const run = tracer.startSpan(
    `pool.run ${work.kind}`,
    {
      kind: SpanKind.INTERNAL,
      startTime: spanTime(work.startedAt),
      attributes: {
        'thread.id': work.threadId,
        'lab.task': work.kind,
        ...(work.threadTraceId ? { 'lab.thread_trace_id': work.threadTraceId } : {}),
        ...(work.pid !== undefined ? { 'process.pid': work.pid } : {}),
      },
    },
    parent,
  );
  if (work.error) {
    run.recordException({ name: work.error.code ?? 'Error', message: work.error.message });
    run.setStatus({ code: SpanStatusCode.ERROR, message: work.error.message });
  }
  run.end(spanTime(work.startedAt + work.workMs));
}

/** A pool task that ended without its worker's report of how it ran. */
export interface UnfinishedWork {
  /** Epoch ms when the task was handed to the pool. */
  submittedAt: number;
  /** Epoch ms when the caller gave up on it, or learnt that its worker died. */
  endedAt: number;
  kind: string;
  /** Cancelled by the request's signal (deadline, client gone), or its worker died. */
  outcome: 'cancelled' | 'crashed';
  error?: { code?: string; message: string };
}

/**
 * Records a pool task its worker never reported on — cancelled by the request (the deadline, a
 * client that left) or lost with its worker — as one span, `pool.task <kind>`, from submission
 * to the end: where its wait ended and its run began is unknown (a cancelled task's thread is
 * terminated, a crashed one is gone). A crash marks the span as an error; a cancellation says
 * so (`lab.cancelled`), the request's own span carries its status. Without it, the traces of
 * exactly these requests (504s, `ERR_WORKER_CRASHED`) showed no pool work at all.
 */
export function recordUnfinishedPoolTask(
  work: UnfinishedWork,
  parent: Context = context.active(),
): void {
  if (!tracesUnder(parent)) return;
  const span = trace.getTracer(TRACER_NAME).startSpan(
    `pool.task ${work.kind}`,
    {
      kind: SpanKind.INTERNAL,
      startTime: spanTime(work.submittedAt),
      attributes: {
        'lab.task': work.kind,
        ...(work.outcome === 'cancelled' ? { 'lab.cancelled': true } : {}),
      },
    },
    parent,
  );
  if (work.outcome === 'crashed') {
    const message = work.error?.message ?? 'the worker died';
    span.recordException({ name: work.error?.code ?? 'Error', message });
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end(spanTime(Math.max(work.submittedAt, work.endedAt)));
}
