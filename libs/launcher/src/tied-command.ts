import { spawnSync } from 'node:child_process';

/**
 * A program this process starts, tied to it: it gets SIGKILL from the kernel when this process
 * dies, however it dies — SIGKILL and the OOM killer included, when no `exit` hook runs. The
 * services the launcher starts have their own lifeline (stdin, LAB_LIFELINE) and Node children
 * can watch their parent (procfs's `watchParent`), but a program of the machine's (Prometheus,
 * k6) knows neither. Linux's PR_SET_PDEATHSIG does this; Node cannot set it for a child, so
 * util-linux's `setpriv --pdeathsig KILL` sets it and then execs the program: the same pid,
 * nothing left between (`child.pid` is the program's, and signals reach it directly). The signal
 * comes when the thread that spawned the program ends: spawn from the main thread.
 */
export interface TiedCommand {
  command: string;
  args: string[];
  /** Whether the tie holds (setpriv is here and can set it), or the program runs untied. */
  tied: boolean;
}

let setprivWorks: boolean | undefined;

/** Whether `setpriv --pdeathsig` runs here (util-linux ≥ 2.33; absent outside Linux). */
function canTie(): boolean {
  setprivWorks ??=
    spawnSync('setpriv', ['--pdeathsig', 'KILL', '--', 'true'], { stdio: 'ignore' }).status === 0;
  return setprivWorks;
}

/**
 * `command` with `args`, run so that it dies with this process (see {@link TiedCommand}); as it
 * is where that cannot be done (no setpriv: it then outlives a parent killed outright, as any
 * program would). A program that cannot be run makes setpriv exit non-zero (127/126 with its
 * reason on stderr) where a direct spawn would emit 'error': callers that only look for 'error'
 * must look at the exit too.
 */
export function tiedCommand(command: string, args: readonly string[]): TiedCommand {
  if (!canTie()) return { command, args: [...args], tied: false };
  return { command: 'setpriv', args: ['--pdeathsig', 'KILL', '--', command, ...args], tied: true };
}
