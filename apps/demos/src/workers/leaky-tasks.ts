/**
 * Tasks of the `recycle` demo: task code that leaks, as code one cannot fix often does — each
 * call keeps a buffer in a module-level list that nothing ever empties (a cache without a
 * bound, listeners never removed). The demo runs it in a child process that lives as long as
 * the pool, and in children retired after a few tasks (`maxTasksPerChild`).
 */
const hoard: Uint8Array[] = [];

export interface LeakyAnswer {
  /** The child that ran the task. */
  pid: number;
  /** Bytes this child's hoard holds after the task. */
  heldBytes: number;
  /** The child's resident set size after the task. */
  rssBytes: number;
}

export function leakyTask(kib: number): LeakyAnswer {
  // Filled, so that its pages are resident: RSS shows what the hoard holds.
  hoard.push(new Uint8Array(kib * 1024).fill(1));
  return {
    pid: process.pid,
    heldBytes: hoard.reduce((sum, chunk) => sum + chunk.byteLength, 0),
    rssBytes: process.memoryUsage.rss(),
  };
}
