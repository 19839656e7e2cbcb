import {
  context,
  logs,
  propagation,
  ROOT_CONTEXT,
  trace,
  type ProxyTracerProvider,
} from '@opentelemetry/api';
import { suppressTracing } from '@opentelemetry/core';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { SimpleSpanProcessor, type TracerProvider } from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { enableServerSpans } from './server-span';
import type { Tracing, TracingOptions } from './start-tracing';

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
  sdk.start();
  // Ours to remove at shutdown only if the SDK registered it: a provider the host registered
  // first stays (the SDK's registration then fails, and the host's is the one found).
  const ownsLogs = logs.getLoggerProvider() !== logsBefore;
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
        // registrations refused as duplicates.
        trace.disable();
        propagation.disable();
        context.disable();
        if (ownsLogs) logs.disable();
      }
    },
    forceFlush: async () => {
      await provider().forceFlush?.();
    },
  };
}
