/**
 * `node --require @concurrency-lab/telemetry/preload app.js`: starts tracing before any app code,
 * with the model from LAB_MODEL. The apps import their own `tracing.ts` first instead, which does
 * the same with the model spelled out; this entry is for running anything else traced.
 *
 * The spans still buffered are exported when the program ends by itself (`beforeExit`) and when
 * SIGTERM or SIGINT ends it (`flushOnSignals`: at most 2 s, then the process dies by the same
 * signal; a program with its own listener for the signal keeps deciding its end). A program that
 * calls `process.exit()` or dies of an uncaught exception loses them: neither waits for anything
 * asynchronous, and an export is.
 */
import { isMainThread } from 'node:worker_threads';
import { flushOnSignals } from './signal-flush';
import { startTracing } from './start-tracing';

const tracing = startTracing({ model: process.env['LAB_MODEL'] ?? 'unknown' });
// The export may fail (no collector listening): a warning, never a crash of the host program.
process.once('beforeExit', () => {
  tracing.shutdown().catch((error: unknown) => {
    process.emitWarning(`spans were not exported: ${String(error)}`);
  });
});
// Untraced, nothing to export: the signals stay as the program has them. A worker thread (which
// runs the preload too) gets no signals; its process's main thread owns them.
if (tracing.enabled && isMainThread) flushOnSignals(tracing);
