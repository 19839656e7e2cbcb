/**
 * async-service: the pure-async model. One process, one event loop: I/O is concurrent, CPU work
 * runs inline and blocks the loop while it runs, and the shared counter is a plain number raced
 * by concurrent async tasks (see runtime.ts).
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { runService } from '@concurrency-lab/service-kit';
import { asyncRuntime } from './runtime';

void runService({ model: 'async', tracing, createRuntime: asyncRuntime });
