/** Where spans go, decided from the standard OTEL_* variables. */
export type TraceExport = 'off' | 'otlp' | 'console';

/**
 * Tracing is off by default on a developer's machine: spans cost CPU, and nobody is listening.
 * It turns on when an OTLP endpoint is configured (what docker-compose does), or explicitly with
 * OTEL_TRACES_EXPORTER=otlp|console; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none wins.
 */
export function traceExportFromEnv(env: NodeJS.ProcessEnv): TraceExport {
  if (env['OTEL_SDK_DISABLED']?.toLowerCase() === 'true') return 'off';
  const exporter = env['OTEL_TRACES_EXPORTER']?.split(',')[0]?.trim().toLowerCase();
  if (exporter === 'none') return 'off';
  if (exporter === 'console') return 'console';
  if (exporter === 'otlp') return 'otlp';
  if (env['OTEL_EXPORTER_OTLP_ENDPOINT'] || env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'])
    return 'otlp';
  return 'off';
}

/** Requests that are never traced: scrapes and probes would drown the traces that matter. */
export const UNTRACED_PATHS = /^\/(metrics|healthz|readyz)(\?|$)/;
