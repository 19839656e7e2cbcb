import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { TracingConfigError } from './errors';
import { traceExportFromEnv } from './tracing-config';

export interface TracingOptions {
  /** The model's registry label (`@concurrency-lab/models`). */
  model: string;
  /** `primary` for a cluster primary; otherwise the process serves HTTP. @default 'server' */
  role?: string;
  /**
   * Export here, through a SimpleSpanProcessor, instead of what the environment says (tests: an
   * InMemorySpanExporter). Tracing then starts whatever the environment says, but for
   * `OTEL_SDK_DISABLED=true` in `process.env` (which the SDK obeys: `enabled` is then false),
   * and the resource is ours alone (no process/host detection), so each span is exported as it
   * ends.
   */
  exporter?: SpanExporter;
  /** Open a server span per incoming HTTP request (see `startServerSpan`). @default true */
  instrument?: boolean;
  /**
   * Decides whether tracing starts (`traceExportFromEnv`). The SDK's components themselves
   * (exporter, protocol, sampler, resource, batching) read `process.env`, as `NodeSDK` does.
   * @default process.env
   */
  env?: NodeJS.ProcessEnv;
}

export interface Tracing {
  /** Whether spans are recorded: false when the environment asks for none or the SDK is off. */
  readonly enabled: boolean;
  /** Exports what is buffered and stops; call before the process exits (SIGTERM path). */
  shutdown(): Promise<void>;
  forceFlush(): Promise<void>;
}

const DISABLED: Tracing = {
  enabled: false,
  shutdown: () => Promise.resolve(),
  forceFlush: () => Promise.resolve(),
};

/**
 * Starts OpenTelemetry's `NodeSDK` for one process when the environment asks for spans
 * (`traceExportFromEnv`); otherwise does nothing and loads nothing of the SDK — an untraced
 * service pays neither its CPU nor its memory. Resource: `service.name` =
 * `concurrency-lab-<model>`, `service.instance.id` per process, `lab.model`, `lab.role`, under
 * whatever `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` say. Each app calls it from its
 * `tracing.ts`, imported first.
 */
export function startTracing(options: TracingOptions): Tracing {
  const env = options.env ?? process.env;
  if (!options.exporter && exportFrom(env) === 'off') return DISABLED;
  // Loaded here, not at the top: the SDK (its exporters, sdk-metrics, sdk-logs, …) is tens of
  // modules an untraced process should not hold in memory.
  const { startNodeSdk } = require('./node-sdk') as typeof import('./node-sdk');
  return startNodeSdk(options);
}

/** `traceExportFromEnv`, with a configuration the SDK cannot read as a warning: tracing off. */
function exportFrom(env: NodeJS.ProcessEnv): ReturnType<typeof traceExportFromEnv> {
  try {
    return traceExportFromEnv(env);
  } catch (error) {
    if (!(error instanceof TracingConfigError)) throw error;
    process.emitWarning(error.message, { code: error.code });
    return 'off';
  }
}
