import { catchesSignal, processTree } from '@concurrency-lab/procfs';
import { join } from 'node:path';

/** What the lab sends a process for a full collection (collect-on-signal.ts catches it). */
export const COLLECT_SIGNAL = 'SIGUSR2';

/**
 * `NODE_OPTIONS` for a model the lab starts: `existing` (the user's own, kept first) and what
 * lets the lab ask each of its processes for a full collection — `gc` exposed, and the preload
 * that runs it on {@link COLLECT_SIGNAL}. Cluster workers and pool processes inherit it with the
 * environment. The preload's path is quoted: a workspace path may hold blanks.
 */
export function collectionNodeOptions(existing = '', folder = __dirname): string {
  const preload = JSON.stringify(join(folder, 'collect-on-signal.js'));
  return `${existing} --expose-gc --require ${preload}`.trim();
}

/**
 * Asks every process of the tree under `root` that catches {@link COLLECT_SIGNAL} for a full
 * collection: the lab's own model processes do (collect-on-signal.ts); any other process keeps
 * the signal's default action, ending it, so it is never sent one. Answers how many were asked
 * (0: none catches it, or the tree is gone), for the caller to fall back on V8's own timing.
 */
export function askForCollection(root: number): number {
  let asked = 0;
  for (const pid of processTree(root) ?? []) {
    if (catchesSignal(pid, COLLECT_SIGNAL) !== true) continue;
    try {
      process.kill(pid, COLLECT_SIGNAL);
      asked += 1;
    } catch (error) {
      // Gone between the read and the signal: nothing to collect there.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
    }
  }
  return asked;
}
