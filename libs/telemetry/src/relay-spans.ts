import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  propagation,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Context,
  type HrTime,
  type SpanContext,
  type TextMapPropagator,
} from '@opentelemetry/api';
import { performance } from 'node:perf_hooks';

export const TRACER_NAME = 'concurrency-lab';

/** W3C trace context as plain strings, for a message that crosses a thread or process boundary. */
export type TraceCarrier = Record<string, string>;

let internal: TextMapPropagator | undefined;

/**
 * How a request's context crosses into its threads and processes: W3C trace context and
 * baggage, always. Not the global propagator, which `OTEL_PROPAGATORS` sets for the service's
 * edge (what it reads from and sends to other services): set to `none` or `baggage`, it cut
 * every request's trace at each thread and process (one request, five traces); set to `b3`,
 * it carried no `traceparent` for the pool threads to read.
 *
 * Built at its first use, not when this module loads: the propagators are the SDK's core (which
 * loads semantic-conventions), and an untraced process, which has no context to carry, must not
 * load them (see `startTracing`).
 */
function internalPropagator(): TextMapPropagator {
  if (!internal) {
    const core = require('@opentelemetry/core') as typeof import('@opentelemetry/core');
    internal = new core.CompositePropagator({
      propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()],
    });
  }
  return internal;
}

/**
 * The active context, serialized for a task envelope or an IPC message. A context with neither
 * a span nor baggage — every context of an untraced process — carries nothing, as the
 * propagators would find: no need to load them.
 */
export function injectContext(ctx: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  if (trace.getSpanContext(ctx) === undefined && propagation.getBaggage(ctx) === undefined)
    return carrier;
  internalPropagator().inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

/** The headers the internal propagators read; a carrier with neither changes no context. */
const CARRIED = ['traceparent', 'baggage'] as const;

export function extractContext(carrier: TraceCarrier | undefined): Context {
  const active = context.active();
  if (!carrier || CARRIED.every((key) => carrier[key] === undefined)) return active;
  return internalPropagator().extract(active, carrier, defaultTextMapGetter);
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

/** A span's clock: `epoch` is the time it reads at this thread's performance time `perf` (ms). */
interface SpanClock {
  epoch: HrTime;
  perf: number;
}

/** What SDK 3.x's span keeps of its clock (Span.cjs; no public accessor). */
interface SdkSpanClock {
  startTime?: unknown;
  _performanceStartTime?: unknown;
  _startTimeProvided?: unknown;
}

const isHrTime = (value: unknown): value is HrTime =>
  Array.isArray(value) && value.length === 2 && value.every((n) => typeof n === 'number');

/**
 * The clock of the span in `parent`, for the pool spans under it. SDK 3.x (Span.cjs) gives a
 * span started without a `startTime` a clock of its own: `Date.now()` once (its `startTime`,
 * whole ms), `performance.now()` right after (`_performanceStartTime`), and every later time of
 * it (its end, a performance-time input) is that start plus the performance time elapsed.
 * Handed performance times, as they once were, the pool spans were each converted on a clock of
 * their own, `Date.now()` read again as each was created, so off each other and off their parent
 * by up to the millisecond `Date.now()` truncates: of 20,000 tasks submitted as their request
 * started, no wait ended where its run began, and 19,902 waits began before their request.
 * Given an HrTime the SDK takes it as it is: the pool spans' times are computed here, on their
 * parent's clock, and one instant is one timestamp under that parent. The SDK has no public
 * accessor for that clock; a span without these fields (another SDK's, a later version's) gets
 * the clock below, and this package's tests say so.
 *
 * When the parent is not such a span (another process's, one given its own start time), the
 * clock is read now, as the SDK would read it: one for all of a task's spans, so they still
 * meet exactly, within the millisecond of `Date.now()` of their parent.
 */
function clockOf(parent: Context): SpanClock {
  const span = trace.getSpan(parent) as SdkSpanClock | undefined;
  if (
    span?._startTimeProvided === false &&
    typeof span._performanceStartTime === 'number' &&
    isHrTime(span.startTime)
  )
    return { epoch: span.startTime, perf: span._performanceStartTime };
  const now = Date.now();
  return { epoch: [Math.trunc(now / 1e3), (now % 1e3) * 1e6], perf: performance.now() };
}

/**
 * An epoch-ms time a thread or process measured (`performance.timeOrigin + performance.now()`
 * there: the monotonic clock), on `clock`: its performance time here, from the clock's own, in
 * the arithmetic the SDK computes its spans' ends with (core's `millisToHrTime`, then
 * `addHrTimes`), negative times included. Handed over as epoch ms, the SDK
 * would take it as is, and the pool spans would sit off their parent by the gap between the
 * monotonic clock and the wall clock (a millisecond or more, growing as the wall clock is slewed).
 */
function spanTime(clock: SpanClock, epochMs: number): HrTime {
  const elapsed = epochMs - performance.timeOrigin - clock.perf;
  const seconds = clock.epoch[0] + Math.trunc(elapsed / 1e3);
  const nanos = clock.epoch[1] + Math.round((elapsed % 1e3) * 1e6);
  // A time before the clock's own start (elapsed < 0) leaves nanos below 0.
  if (nanos < 0) return [seconds - 1, nanos + 1e9];
  return nanos >= 1e9 ? [seconds + 1, nanos - 1e9] : [seconds, nanos];
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
  const clock = clockOf(parent);
  const tracer = trace.getTracer(TRACER_NAME);
  const wait = tracer.startSpan(
    'pool.queue_wait',
    {
      kind: SpanKind.INTERNAL,
      startTime: spanTime(clock, work.submittedAt),
      attributes: { 'lab.task': work.kind },
    },
    parent,
  );
  wait.end(spanTime(clock, Math.max(work.submittedAt, work.startedAt)));
  const run = tracer.startSpan(
    `pool.run ${work.kind}`,
    {
      kind: SpanKind.INTERNAL,
      startTime: spanTime(clock, work.startedAt),
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
  run.end(spanTime(clock, work.startedAt + work.workMs));
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
  const clock = clockOf(parent);
  const span = trace.getTracer(TRACER_NAME).startSpan(
    `pool.task ${work.kind}`,
    {
      kind: SpanKind.INTERNAL,
      startTime: spanTime(clock, work.submittedAt),
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
  span.end(spanTime(clock, Math.max(work.submittedAt, work.endedAt)));
}
