import { TracingConfigError } from './errors';

/** Where spans go, decided from the standard OTEL_* variables. */
export type TraceExport = 'off' | 'otlp' | 'zipkin' | 'console';

/** The exporters `NodeSDK` builds from OTEL_TRACES_EXPORTER (sdk-node 3.x `utils`). */
const SDK_EXPORTERS: readonly string[] = ['otlp', 'zipkin', 'console'];

/**
 * Tracing is off by default on a developer's machine: spans cost CPU, and nobody is listening.
 * It turns on when an OTLP endpoint is configured (what docker-compose does), or explicitly with
 * OTEL_TRACES_EXPORTER=otlp|zipkin|console; OTEL_SDK_DISABLED=true or OTEL_TRACES_EXPORTER=none
 * wins.
 *
 * The variables are read exactly as the SDK reads them (core's `getBooleanFromEnv`: trimmed,
 * any case; `getStringListFromEnv`: comma-separated, trimmed, case kept; sdk-node's rules for
 * `none`), so that this decision and the SDK's never part: read differently, `OTLP` loaded the
 * whole SDK here while the SDK, which knows only `otlp`, registered no provider and exported
 * nothing. A name the SDK does not know is, as the SDK and the specification have it, warned
 * about and ignored (`ignored`, given a `TracingConfigError`): `otlp,jaeger` exports to otlp.
 * With no name it knows, it throws one (`startTracing` warns and stays off; the SDK would
 * register no exporter either).
 */
export function traceExportFromEnv(
  env: NodeJS.ProcessEnv,
  ignored: (warning: TracingConfigError) => void = warnOf,
): TraceExport {
  if (env['OTEL_SDK_DISABLED']?.trim().toLowerCase() === 'true') return 'off';
  const listed = [
    ...new Set(
      (env['OTEL_TRACES_EXPORTER'] ?? '')
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '' && name !== 'null'),
    ),
  ];
  if (listed[0] === 'none') return 'off';
  if (listed.length === 0) {
    const endpoint =
      env['OTEL_EXPORTER_OTLP_ENDPOINT']?.trim() ||
      env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT']?.trim();
    return endpoint ? 'otlp' : 'off';
  }
  // The SDK's rule: `none` among other names means its default exporter, otlp.
  if (listed.includes('none')) return 'otlp';
  const known = listed.filter((name) => SDK_EXPORTERS.includes(name));
  const unknown = listed.filter((name) => !SDK_EXPORTERS.includes(name));
  if (unknown.length > 0) {
    const problem =
      `OTEL_TRACES_EXPORTER=${env['OTEL_TRACES_EXPORTER']}: ${unknown.join(', ')} is not an ` +
      `exporter OpenTelemetry knows (${SDK_EXPORTERS.join(', ')} or none; names are ` +
      'case-sensitive)';
    if (known.length === 0) throw new TracingConfigError(`${problem}; tracing is off`);
    ignored(new TracingConfigError(`${problem}; ignored, exporting to ${known.join(', ')}`));
  }
  return known[0] as TraceExport;
}

function warnOf(warning: TracingConfigError): void {
  process.emitWarning(warning.message, { code: warning.code });
}

/**
 * Requests that are never traced: scrapes and probes would drown the traces that matter. One
 * trailing slash too, as the router (not strict) answers `/metrics/` as `/metrics`. Tested
 * against the request's path (`startServerSpan` takes it out of an absolute-form target too), and
 * a query after it is allowed.
 */
export const UNTRACED_PATHS = /^\/(metrics|healthz|readyz)\/?(\?|$)/;
