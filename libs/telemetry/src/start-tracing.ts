import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  CompositePropagator,
  W3CBaggagePropagator,
  W3CTraceContextPropagator,
} from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  SimpleSpanProcessor,
  TracerProvider,
  type SpanExporter,
} from '@opentelemetry/sdk-trace';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';
import { randomUUID } from 'node:crypto';
import { threadId } from 'node:worker_threads';
import { traceExportFromEnv, UNTRACED_PATHS } from './tracing-config';

export interface TracingOptions {
  /** The model's registry label (`@concurrency-lab/models`). */
  model: string;
  /** `primary` for a cluster primary; otherwise the process serves HTTP. @default 'server' */
  role?: string;
  /** Export here instead of what the environment says (tests: an InMemorySpanExporter). */
  exporter?: SpanExporter;
  /** Install the http and express instrumentations. @default true */
  instrument?: boolean;
  env?: NodeJS.ProcessEnv;
}

export interface Tracing {
  readonly enabled: boolean;
  /** Exports what is buffered and stops; call before the process exits (SIGTERM path). */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

const DISABLED: Tracing = {
  enabled: false,
  shutdown: async () => undefined,
  forceFlush: async () => undefined,
};

/**
 * Starts the OpenTelemetry SDK for one process. Must run before express and http are loaded
 * (the instrumentations patch them on load): each app imports its `tracing.ts` as its very
 * first import. Resource: `service.name` = `concurrency-lab-<model>`, `service.instance.id`
 * per process, `lab.model`, `lab.role`.
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  const mode = options.exporter ? 'custom' : traceExportFromEnv(env);
  if (mode === 'off') return DISABLED;

  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(
    new CompositePropagator({
      propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
    }),
  );
  const exporter =
    options.exporter ?? (mode === 'console' ? new ConsoleSpanExporter() : new OTLPTraceExporter());
  const processor = options.exporter
    ? new SimpleSpanProcessor({ exporter })
    : new BatchSpanProcessor({ exporter, scheduledDelayMillis: 500 });
  const provider = new TracerProvider({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: env['OTEL_SERVICE_NAME'] ?? `concurrency-lab-${options.model}`,
      'service.namespace': 'concurrency-lab',
      'service.instance.id': `${process.pid}-${threadId}-${randomUUID().slice(0, 8)}`,
      'lab.model': options.model,
      'lab.role': options.role ?? 'server',
    }),
    spanProcessors: [processor],
  });
  trace.setGlobalTracerProvider(provider);
  if (options.instrument ?? true) {
    registerInstrumentations({
      tracerProvider: provider,
      instrumentations: [
        new HttpInstrumentation({
          ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
        }),
        // Route handlers only: a span per middleware (helmet, metrics, deadline…) is noise.
        new ExpressInstrumentation({
          ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER],
        }),
      ],
    });
  }
  return {
    enabled: true,
    shutdown: async () => {
      await provider.shutdown();
      // Leave the globals as we found them (tests start and stop tracing more than once).
      trace.disable();
      propagation.disable();
      context.disable();
    },
    forceFlush: () => provider.forceFlush(),
  };
}
