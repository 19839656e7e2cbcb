/**
 * Imported first by main.ts and worker.ts: the OpenTelemetry SDK must start before express and
 * http load, because its instrumentations patch them as they load. Off unless OTEL_* asks for
 * export. The primary forks the workers with LAB_CLUSTER_ROLE=worker.
 */
import { startTracing } from '@concurrency-lab/telemetry';

export const tracing = startTracing({
  model: 'hybrid',
  role: process.env['LAB_CLUSTER_ROLE'] ?? 'primary',
});
