/**
 * Tasks of the `recycle` demo: task code that leaks, as code one cannot fix often does — each
 * call keeps a buffer in a module-level list that nothing ever empties (a cache without a
 * bound, listeners never removed). The demo runs it in a child process that lives as long as
 * the pool, and in children retired after a few tasks (`maxTasksPerChild`).
 */
import { WorkerFailedError } from '../errors';

const hoard: Uint8Array[] = [];

export interface LeakyAnswer {
  /** The child that ran the task. */
  pid: number;
  /** Bytes this child's hoard holds after the task. */
  heldBytes: number;
  /** The child's resident set size after the task, once its garbage is collected. */
  rssBytes: number;
}

/**
 * The child's RSS once a full collection has run: what it retains, not garbage no collection
 * has reached yet. Uncollected, a task that kept nothing grew a child's RSS by up to 105 MiB
 * (100 tasks of 4 MiB each), as a leak would; collected, by 15.1 MiB at most (4–400 tasks).
 */
function retainedRss(): number {
  if (typeof gc !== 'function') {
    throw new WorkerFailedError('leaky-tasks needs `--expose-gc` (the recycle demo forks it so)');
  }
  gc();
  return process.memoryUsage.rss();
}

const answer = (): LeakyAnswer => ({
  pid: process.pid,
  heldBytes: hoard.reduce((sum, chunk) => sum + chunk.byteLength, 0),
  rssBytes: retainedRss(),
});

export function leakyTask(kib: number): LeakyAnswer {
  // Filled, so that its pages are resident: RSS shows what the hoard holds.
  hoard.push(new Uint8Array(kib * 1024).fill(1));
  return answer();
}

/**
 * The negative control: the same buffer, filled, kept by nothing. The e2e test runs it where
 * `leakyTask` runs, and the demo's RSS checks must then fail: its RSS moves by noise alone.
 */
export function tidyTask(kib: number): LeakyAnswer {
  new Uint8Array(kib * 1024).fill(1);
  return answer();
}
