/**
 * threads-service: one process; express on the main thread, every CPU task on a pool of worker
 * threads (piscina, `@concurrency-lab/thread-pool`), the shared counter in a SharedArrayBuffer
 * that all pool threads map (see runtime.ts).
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runService } from '@concurrency-lab/service-kit';
import { threadsRuntime } from './runtime';

void runService({ model: 'threads', tracing, createRuntime: threadsRuntime });
