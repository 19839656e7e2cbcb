/**
 * Ends this process once its parent is gone, even while its main thread is stuck in synchronous
 * code. For a child whose parent is its supervisor (a process pool's child, a cluster worker):
 * killed outright (SIGKILL, the OOM killer), a parent runs no exit hook to end its children, and
 * the child's own way out — its 'disconnect' handler — runs on the main thread, which a long CPU
 * task (a fib, an endless `LAB_WORKLOAD` task) never frees. Linux's PR_SET_PDEATHSIG would do
 * this, but Node cannot reach it. So a small worker thread, free of the main thread, polls
 * `process.ppid` (a live read in a worker: it turns 1, or a subreaper's pid, once the parent is
 * gone) and SIGKILLs its own process once `graceMs` have passed since it saw the parent go —
 * the time a main thread that is free gets to leave its own way (a drain, its logs).
 *
 * Cost: one more thread per process, ~15–18 MB of RSS (a V8 isolate; measured on Node 24: an
 * idle pool child 49.8 → 65.0 MB, 7 → 8 OS threads), some milliseconds of CPU at boot, and a
 * poll every 250 ms, which bounds how late the parent's death is seen. The thread is unref'd: it
 * never keeps the process alive or delays its normal exit. Its code is eval'd (no file to locate
 * from dist/ or src/), with no inherited execArgv (some flags are refused by workers). If it
 * cannot start, the process works as before, without it, and says nothing: its stdout may be a
 * user's.
 */
import { Worker } from 'node:worker_threads';
import { InvalidArgumentError } from './errors';

/** How often the watchdog reads its parent's pid: how late it may see the parent go. */
export const PARENT_POLL_MS = 250;

/**
 * The longest grace: a timer's longest delay (2^31 − 1 ms, ~24.8 days). Node fires a longer
 * one after 1 ms (a TimeoutOverflowWarning), which would kill at once instead of after the grace.
 */
export const MAX_GRACE_MS = 2 ** 31 - 1;

/** The watchdog thread's name, which Node gives the OS thread too (`threadNames` reads it). */
export const WATCHDOG_THREAD_NAME = 'parent-watchdog';

export interface WatchParentOptions {
  /**
   * How long this process may live on once its parent is gone before the watchdog kills it:
   * 0 (the default) at once; more leaves a main thread that is free the time to end its own
   * way (a cluster worker's drain), so that only a stuck one is killed.
   * @default 0
   */
  graceMs?: number;
}

/**
 * Starts the watchdog for the parent this process has now: the thread, or undefined when there
 * is none to watch (no parent left, or a PID namespace's init) or it could not start.
 * @throws InvalidArgumentError (`ERR_PROCFS_INVALID_ARGUMENT`, a RangeError) for a `graceMs`
 * that is not a whole number of milliseconds from 0 to MAX_GRACE_MS.
 */
export function watchParent({ graceMs = 0 }: WatchParentOptions = {}): Worker | undefined {
  if (!Number.isSafeInteger(graceMs) || graceMs < 0 || graceMs > MAX_GRACE_MS)
    throw new InvalidArgumentError(
      `graceMs must be a whole number of milliseconds from 0 to ${MAX_GRACE_MS}, not ${graceMs}`,
    );
  const parent = process.ppid;
  // Orphaned already (the caller's own 'disconnect' handling ends an idle process), or the
  // parent is a PID namespace's init (a container's), whose death ends every process in it.
  if (parent <= 1) return undefined;
  // The grace is a timer on the watchdog's own loop, which nothing else holds.
  const code = `
    const poll = setInterval(() => {
      if (process.ppid === ${parent}) return;
      clearInterval(poll);
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), ${graceMs});
    }, ${PARENT_POLL_MS});
  `;
  try {
    const watchdog = new Worker(code, { eval: true, execArgv: [], name: WATCHDOG_THREAD_NAME });
    watchdog.on('error', () => undefined);
    watchdog.unref();
    return watchdog;
  } catch {
    return undefined;
  }
}
