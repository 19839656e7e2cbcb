import { InLoopCounter, InlineRunner, type ModelRuntime } from '@concurrency-lab/service-kit';

/**
 * The async model: CPU work inline on the one event loop (it blocks every other request while it
 * runs — the lesson this model teaches), the counter a plain number raced by async tasks.
 */
export function asyncRuntime(): ModelRuntime {
  return { runner: new InlineRunner(), counter: new InLoopCounter(), workers: 1 };
}
