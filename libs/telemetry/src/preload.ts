/**
 * `node --require @concurrency-lab/telemetry/preload app.js`: starts tracing before any app code,
 * with the model from LAB_MODEL. The apps import their own `tracing.ts` first instead, which does
 * the same with the model spelled out; this entry is for running anything else traced.
 */
import { startTracing } from './start-tracing';

const tracing = startTracing({ model: process.env['LAB_MODEL'] ?? 'unknown' });
// The export may fail (no collector listening): a warning, never a crash of the host program.
process.once('beforeExit', () => {
  tracing.shutdown().catch((error: unknown) => {
    process.emitWarning(`spans were not exported: ${String(error)}`);
  });
});
