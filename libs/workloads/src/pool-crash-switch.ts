import type { CpuTask } from './cpu-task';

/**
 * The pools' fault-injection switch, for drills and tests only: off unless set. With
 * `FAULT_INJECTION_POOL_CRASH_FIB_N=<n>` in a service's environment, the pool worker — thread or
 * process — that is handed fib(n) exits on the spot, as a worker that crashes under its task
 * would; any other task runs as usual. The chaos drill uses an n its load never asks for.
 */
export const POOL_CRASH_SWITCH = 'FAULT_INJECTION_POOL_CRASH_FIB_N';

/** The exit code of a worker that crashed on purpose (EX_SOFTWARE), to tell it apart in logs. */
export const POOL_CRASH_EXIT_CODE = 70;

/**
 * The n that crashes a pool worker, from `env`; undefined (off) when unset or not a plain
 * integer from 0 to 40 — a typo must not crash workers on some other task.
 */
export function poolCrashFibN(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env[POOL_CRASH_SWITCH];
  if (raw === undefined || !/^[0-9]{1,2}$/.test(raw) || Number(raw) > 40) return undefined;
  return Number(raw);
}

/**
 * Called by a pool worker before it runs `task`: exits the worker (this thread, in a
 * `worker_threads` pool; this process, in a process pool) when the switch asks for it.
 */
export function crashIfSwitched(task: CpuTask, crashOn: number | undefined): void {
  if (crashOn !== undefined && task.kind === 'fib' && task.n === crashOn) {
    process.exit(POOL_CRASH_EXIT_CODE);
  }
}
