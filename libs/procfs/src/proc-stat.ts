import { readFileSync } from 'node:fs';

/**
 * Linux's USER_HZ, the unit of the times in /proc/<pid>/stat: 100 on every architecture Linux
 * runs (the kernel converts to it whatever its internal HZ), so it is not looked up.
 */
const TICKS_PER_SECOND = 100;

/**
 * Ticks as seconds. A sum of times is made in whole ticks and converted once: summed as
 * fractions of a second, the same ticks added in another order could come out a hair smaller
 * (0.43 after 0.43000000000000005), and a counter would seem to fall.
 */
export const ticksToSeconds = (ticks: number): number => ticks / TICKS_PER_SECOND;

/** What /proc/<pid>/stat says of a process, the figures this library uses. */
export interface ProcStat {
  /**
   * One letter: `R` running, `S` sleeping, … `Z` zombie (exited, its parent has not waited for
   * it yet), `X` dead (its parent is waiting for it right now).
   */
  readonly state: string;
  /** utime + stime: its own threads' CPU, those that ended included, in ticks. */
  readonly ownCpuTicks: number;
  /**
   * cutime + cstime: the CPU of the children it has waited for (reaped), theirs in turn
   * included, in ticks. The kernel adds a child's time here when the parent waits for it.
   */
  readonly reapedCpuTicks: number;
  /**
   * starttime: when it started, in ticks since boot. With the pid it names one process of one
   * boot: a pid is reused, a (pid, start) pair is not.
   */
  readonly startTicks: number;
}

/** True for a process that still runs: not a zombie, not being reaped. */
export const isRunningState = (state: string): boolean => state !== 'Z' && state !== 'X';

/**
 * Process `pid`'s stat; undefined when it is gone (or ends while being read), when there is no
 * /proc, or when a time does not parse (a NaN would stick in a counter it is added to).
 */
export function readStat(pid: number): ProcStat | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  if (stat === undefined) return undefined;
  // The command name, field 2, may itself hold spaces and parentheses: the fields are read after
  // its last `)`. Index i here is field i + 3 of `man 5 proc` (1-based): state is field 3,
  // utime 14, stime 15, cutime 16, cstime 17, starttime 22.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = (i: number) => Number(fields[i]); // NaN when the line is short
  const own = ticks(11) + ticks(12);
  const reaped = ticks(13) + ticks(14);
  const startTicks = ticks(19);
  const state = fields[0];
  if (state === undefined || ![own, reaped, startTicks].every(Number.isFinite)) return undefined;
  return { state, ownCpuTicks: own, reapedCpuTicks: reaped, startTicks };
}

/** The file's text; undefined when it cannot be read (the process or thread ended meanwhile). */
export function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
