/**
 * Imported first by main.ts: the OpenTelemetry SDK must start before express and http load,
 * because its instrumentations patch them as they load. Off unless OTEL_* asks for export.
 */
import { startTracing } from '@concurrency-lab/telemetry';

export const tracing = startTracing({ model: 'async' });
