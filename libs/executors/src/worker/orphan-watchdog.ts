/**
 * Ends a pool child whose parent died while the child's main thread is stuck in synchronous code.
 *
 * The child leaves by its 'disconnect' handler when the parent goes (process-entry.ts), but a
 * handler runs on the main thread: one busy in a long CPU task (a fib, an endless workload) never
 * reads the channel's close, and a parent killed outright (SIGKILL, the OOM killer) runs no exit
 * hook to kill it (child-process-pool.ts). Linux's PR_SET_PDEATHSIG would, but Node cannot reach
 * it. So a small worker thread, free of the main thread, polls `process.ppid` (a live read in a
 * worker: it turns 1, or a subreaper's pid, once the parent is gone) and SIGKILLs its own
 * process: its main thread may be stuck, and nobody is left to answer anyway.
 *
 * Cost: one more thread per child, ~15–18 MB of RSS (a V8 isolate; measured on Node 24: an idle
 * pool child 49.8 → 65.0 MB, 7 → 8 OS threads), some milliseconds of CPU at each child's boot
 * (felt with `maxTasksPerChild: 1`, see README), and a poll every 250 ms, which bounds how long
 * an orphan outlives its parent. The thread is unref'd: it never keeps the child alive or delays
 * its normal exit. Its code is eval'd (no file to locate from dist/ or src/), with no inherited
 * execArgv (some flags are refused by workers). If it cannot start, the child works as before,
 * without it, and says nothing: its stdout may be a user's, and the pool speaks over IPC.
 */
import { Worker } from 'node:worker_threads';

/** How often the watchdog reads its parent's pid: the bound on an orphan's extra life. */
export const ORPHAN_POLL_MS = 250;

/** Starts the watchdog for the parent this process has now: the thread, or undefined if none. */
export function watchParent(): Worker | undefined {
  const parent = process.ppid;
  // Orphaned already (the 'disconnect' handler ends an idle child), or the parent is a PID
  // namespace's init (a container's), whose death ends every process in it.
  if (parent <= 1) return undefined;
  const code = `
    setInterval(() => {
      if (process.ppid !== ${parent}) process.kill(process.pid, 'SIGKILL');
    }, ${ORPHAN_POLL_MS});
  `;
  try {
    const watchdog = new Worker(code, { eval: true, execArgv: [] });
    watchdog.on('error', () => undefined);
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}
