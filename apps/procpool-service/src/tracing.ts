/**
 * Imported first by main.ts: the OpenTelemetry SDK must start before express and http load,
 * because its instrumentations patch them as they load. Off unless OTEL_* asks for export. The
 * pool's processes run no SDK: the HTTP process records their tasks' spans from their timings.
 */
import { startTracing } from '@concurrency-lab/telemetry';

export const tracing = startTracing({ model: 'procpool' });
