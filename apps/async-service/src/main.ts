/**
 * async-service: the pure-async model. One process, one event loop: I/O is concurrent, CPU work
 * runs inline and blocks the loop while it runs (the lesson this model teaches), and the shared
 * counter is a plain number raced by concurrent async tasks.
 */
import { tracing } from './tracing'; // first: see tracing.ts
import { InLoopCounter, InlineRunner, MODEL_PORTS, runService } from '@concurrency-lab/service-kit';

void runService({
  model: 'async',
  defaultPort: MODEL_PORTS.async,
  tracing,
  createRuntime: () => ({ runner: new InlineRunner(), counter: new InLoopCounter(), workers: 1 }),
});
