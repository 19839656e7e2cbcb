import {
  context,
  createContextKey,
  logs,
  propagation,
  ROOT_CONTEXT,
  trace,
  type ProxyTracerProvider,
} from '@opentelemetry/api';
import { getBooleanFromEnv, suppressTracing } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor, type TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { enableServerSpans } from './server-span';
import type { Tracing, TracingOptions } from './start-tracing';

/** What `OTEL_SDK_DISABLED=true` leaves: no SDK started, nothing to export. */
const DISABLED_BY_ENV: Tracing = {
  enabled: false,
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

/** A context value no one else sets: what `registered` runs a probe under. */
const PROBE = createContextKey('@concurrency-lab/telemetry registration probe');

/**
 * Which of the API's globals are registered, through its public calls (it hands out the context
 * manager and the propagator it holds through none): the tracer provider behind the API's proxy;
 * whether a context manager keeps a context (the API's no-op one keeps none); whether a
 * propagator carries fields (the no-op one has none, every one the SDK registers has some).
 */
function registered() {
  const probe = ROOT_CONTEXT.setValue(PROBE, true);
  return {
    tracerProvider: (trace.getTracerProvider() as ProxyTracerProvider).getDelegate(),
    contextManager: context.with(probe, () => context.active() === probe),
    propagator: propagation.fields().length > 0,
  };
}

/**
 * The SDK, as OpenTelemetry's `NodeSDK` sets it up from the standard variables: the exporter
 * (`OTEL_TRACES_EXPORTER` otlp | console | zipkin; `OTEL_EXPORTER_OTLP_PROTOCOL` http/protobuf
 * (the default) | http/json | grpc), a BatchSpanProcessor (`OTEL_BSP_*`), the sampler
 * (`OTEL_TRACES_SAMPLER` / `_ARG`), the propagators (`OTEL_PROPAGATORS`), the resource
 * (`OTEL_RESOURCE_ATTRIBUTES`, `OTEL_SERVICE_NAME`, plus process and host detection) and
 * `OTEL_SDK_DISABLED`.
 *
 * Three choices differ from its defaults, each for cost:
 * - no instrumentations: the HTTP server span is opened by service-kit itself
 *   (`startServerSpan`) — instrumentation-http's per-request attributes, URL parsing and
 *   emitter wrapping cost more than the rest of tracing together, and express's gives a span
 *   per middleware;
 * - no OTLP metrics or logs pipelines: prom-client serves the metrics, pino writes the logs;
 * - the AsyncLocalStorage context manager and W3C propagators are NodeSDK's own defaults.
 */
export function startNodeSdk(options: TracingOptions): Tracing {
  // NodeSDK reads OTEL_SDK_DISABLED itself, from process.env, and then registers nothing: with
  // an `exporter` given (startTracing then asks the environment nothing) or an `env` that said
  // otherwise, tracing would have been reported on while nothing was recorded.
  if (getBooleanFromEnv('OTEL_SDK_DISABLED')) return DISABLED_BY_ENV;
  const sdk = new NodeSDK({
    resource: defaultResource().merge(
      resourceFromAttributes({
        [ATTR_SERVICE_NAME]: `concurrency-lab-${options.model}`,
        'service.namespace': 'concurrency-lab',
        'service.instance.id': `${process.pid}-${threadId}-${randomUUID().slice(0, 8)}`,
        'lab.model': options.model,
        'lab.role': options.role ?? 'server',
      }),
    ),
    instrumentations: [],
    metricReaders: [],
    // Set, even empty: unset, NodeSDK would build an OTLP logs exporter (OTEL_LOGS_EXPORTER's
    // default). Set or not, it registers a global LoggerProvider, which its own shutdown leaves
    // registered (a second start's was refused as a duplicate): `shutdown` below removes it.
    logRecordProcessors: [],
    ...(options.exporter
      ? {
          spanProcessors: [new SimpleSpanProcessor({ exporter: options.exporter })],
          // Host detection is asynchronous, and a SimpleSpanProcessor holds every span back
          // until the resource is complete; a test's exporter must see a span when it ends.
          autoDetectResources: false,
        }
      : {}),
  });
  const logsBefore = logs.getLoggerProvider();
  const before = registered();
  sdk.start();
  // Each global is ours to remove at shutdown only if the SDK registered it: one the host
  // registered first stays (the SDK's registration then fails, and the host's is the one found).
  const after = registered();
  const owns = {
    logs: logs.getLoggerProvider() !== logsBefore,
    trace: after.tracerProvider !== before.tracerProvider,
    context: after.contextManager && !before.contextManager,
    propagation: after.propagator && !before.propagator,
  };
  enableServerSpans(options.instrument ?? true, suppressTracing(ROOT_CONTEXT));
  const provider = () =>
    (trace.getTracerProvider() as ProxyTracerProvider).getDelegate() as Partial<TracerProvider>;
  return {
    enabled: true,
    shutdown: async () => {
      enableServerSpans(false);
      try {
        await sdk.shutdown();
      } finally {
        // Leave the globals as we found them (tests start and stop tracing more than once), even
        // when the last export failed (no collector listening) and the shutdown rejects: left
        // registered, they made the process's next startTracing record nothing, its own
        // registrations refused as duplicates. The host's own stay: disabled, its tracing
        // recorded nothing more, its context was lost and its propagation stopped.
        if (owns.trace) trace.disable();
        if (owns.propagation) propagation.disable();
        if (owns.context) context.disable();
        if (owns.logs) logs.disable();
      }
    },
    forceFlush: async () => {
      await provider().forceFlush?.();
    },
  };
}
