import { context, SpanKind, SpanStatusCode, trace, type Context } from '@opentelemetry/api';
import { extractContext, injectContext, TRACER_NAME, type TraceCarrier } from './relay-spans';

/**
 * Runs `fn` inside a new `ipc <method>` span under `parent`; a failure is recorded on the span
 * (exception + ERROR status) before it is rethrown, and the span always ends.
 */
async function inIpcSpan<T>(
  method: string,
  kind: SpanKind,
  parent: Context,
  fn: () => Promise<T> | T,
): Promise<T> {
  const span = trace.getTracer(TRACER_NAME).startSpan(
    `ipc ${method}`,
    {
      kind,
      attributes: {
        'rpc.system': 'node-ipc',
        'rpc.method': method,
        ...(kind === SpanKind.SERVER ? { 'process.pid': process.pid } : {}),
      },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), async () => fn());
  } catch (error) {
    // Whatever was thrown goes on to the caller as it was, `undefined` and `null` included: only
    // an object has a message to read, anything else is recorded as its text.
    const thrown = typeof error === 'object' && error !== null ? (error as Error) : String(error);
    span.recordException(thrown);
    span.setStatus({
      code: SpanStatusCode.ERROR,
      message: typeof thrown === 'string' ? thrown : thrown.message,
    });
    throw error;
  } finally {
    span.end();
  }
}

/**
 * Tracing for request/response over IPC: the caller wraps the call in a CLIENT span and sends
 * the context in the message; the callee continues it in a SERVER span — so a counter operation
 * that the primary performs for a worker shows up in the worker's trace.
 */
export async function tracedCall<T>(
  method: string,
  send: (carrier: TraceCarrier) => Promise<T>,
  traced = true,
): Promise<T> {
  if (!traced) return send(injectContext());
  return inIpcSpan(method, SpanKind.CLIENT, context.active(), () => send(injectContext()));
}

export async function tracedHandle<T>(
  method: string,
  carrier: TraceCarrier | undefined,
  handle: () => Promise<T> | T,
  traced = true,
): Promise<T> {
  const parent = extractContext(carrier);
  if (!traced) return context.with(parent, async () => handle());
  return inIpcSpan(method, SpanKind.SERVER, parent, handle);
}
