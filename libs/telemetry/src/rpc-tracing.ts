import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { extractContext, injectContext, TRACER_NAME, type TraceCarrier } from './relay-spans';

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
  const span = trace.getTracer(TRACER_NAME).startSpan(`ipc ${method}`, {
    kind: SpanKind.CLIENT,
    attributes: { 'rpc.system': 'node-ipc', 'rpc.method': method },
  });
  try {
    return await context.with(trace.setSpan(context.active(), span), () => send(injectContext()));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

export async function tracedHandle<T>(
  method: string,
  carrier: TraceCarrier | undefined,
  handle: () => Promise<T> | T,
  traced = true,
): Promise<T> {
  const parent = extractContext(carrier);
  if (!traced) return context.with(parent, async () => handle());
  const span = trace.getTracer(TRACER_NAME).startSpan(
    `ipc ${method}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'rpc.system': 'node-ipc', 'rpc.method': method, 'process.pid': process.pid },
    },
    parent,
  );
  try {
    return await context.with(trace.setSpan(parent, span), async () => handle());
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}
