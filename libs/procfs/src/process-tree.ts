import { readdirSync } from 'node:fs';
import { constants } from 'node:os';
import {
  isRunningState,
  readOrUndefined,
  readStat,
  ticksToSeconds,
  type ProcStat,
} from './proc-stat';

/**
 * What the OS says one process uses (Linux /proc). Read from the OS, it needs no answer from
 * the process, so a saturated event loop leaves no gap.
 */
export interface ProcessUsage {
  /** Resident memory (VmRSS). */
  rssBytes: number;
  /** User + system CPU time, its threads included. */
  cpuSeconds: number;
  /** Threads (a worker_threads pool shows here). */
  threads: number;
  /**
   * Open file descriptors (sockets, pipes, files), when asked for: counting them lists the
   * descriptor table, a cost a sampler that needs no count should not pay on every tick (a
   * service under load holds hundreds of sockets).
   */
  fds: number | undefined;
}

/**
 * What a process and all its descendants use: each figure of `ProcessUsage`, summed over the
 * tree's running processes. A thread pool lives in one process; a cluster or a process pool is a
 * tree: only the tree's sum compares the models fairly.
 */
export interface TreeUsage extends ProcessUsage {
  /**
   * User + system CPU time of the whole tree, ended processes included, so that it only rises as
   * processes come and go (a sampler takes deltas of it): each running process's own time, plus
   * a zombie's (exited, not yet waited for), plus each process's cutime + cstime — the time of
   * the descendants it has waited for. A descendant's time thus moves, once its parent has waited
   * for it, from its own figure to its parent's, and is counted once either way. It includes
   * descendants the root waited for before the first reading, and loses what an orphan takes
   * away: a process that ends before its children leaves them to init (or a subreaper), outside
   * the tree, with their time.
   */
  cpuSeconds: number;
  /** How many processes the tree runs, the root included; a zombie is none. */
  processes: number;
}

export interface TreeUsageOptions {
  /** Count open file descriptors too (`ProcessUsage.fds`). @default false */
  fds?: boolean;
}

/**
 * How many times `processTreeUsage` reads the tree again when a process is reaped while it reads
 * it: a reaped process's time may then be in neither its own figure nor its parent's. Reaping
 * is rare next to a reading's fraction of a millisecond, so a second reading nearly always holds.
 */
const READ_ATTEMPTS = 3;

/** Process `pid`'s thread ids (its /proc task folder); undefined when it is gone or no /proc. */
function tasksOf(pid: number): string[] | undefined {
  try {
    return readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
}

/**
 * The direct children of `pid`, from every one of its threads' `children` lists (a child is
 * listed under the thread that forked it), zombies included: the kernel lists a child until its
 * parent has waited for it. Undefined when the process is gone or there is no /proc.
 */
export function childrenOf(pid: number): number[] | undefined {
  const tasks = tasksOf(pid);
  if (tasks === undefined) return undefined;
  const found = new Set<number>();
  for (const task of tasks) {
    const list = readOrUndefined(`/proc/${pid}/task/${task}/children`) ?? ''; // the thread ended
    for (const child of list.split(' ').filter(Boolean)) found.add(Number(child));
  }
  return [...found];
}

/**
 * The names of process `pid`'s threads (each task's `comm`: a worker thread's `name`, cut to 15
 * bytes by the kernel; `MainThread`, `V8Worker`, … for Node's own), in /proc's order. Undefined
 * when the process is gone or there is no /proc; a thread that ends while being read is left out.
 */
export function threadNames(pid: number): string[] | undefined {
  return tasksOf(pid)?.flatMap((task) => {
    const name = readOrUndefined(`/proc/${pid}/task/${task}/comm`);
    // Only the newline /proc ends it with: a name may end in blanks of its own.
    return name === undefined ? [] : [name.endsWith('\n') ? name.slice(0, -1) : name];
  });
}

/**
 * `root` and every running process below it, root first, parents before their children.
 * Undefined when `root` is gone or a zombie, or there is no /proc; a zombie below it (exited, not
 * yet waited for) is left out, as is a descendant that ends while being read.
 */
export function processTree(root: number): number[] | undefined {
  return walk(root)
    ?.filter(({ stat }) => stat !== undefined && isRunningState(stat.state))
    .map(({ pid }) => pid);
}

/**
 * The largest pid a pid_t (an int32) holds: process.kill refuses any larger one with a TypeError
 * of its own (ERR_INVALID_ARG_TYPE), though no process can have it (Linux's pid_max is ≤ 2^22).
 */
const MAX_PID = 2 ** 31 - 1;

/**
 * True while process `pid` runs: signal 0 checks it exists without sending anything (one that
 * is not ours to signal, EPERM, exists too), and a zombie — exited, not yet reaped by its
 * parent — is not running, though signal 0 still reaches it. False for a pid no process can have
 * (zero, negative, not an integer: `child.pid ?? -1`; past 2^31 - 1): signal 0 to 0 or -1 would
 * reach a whole process group, or every process we may signal, and say true.
 */
export function isAlive(pid: number): boolean {
  if (!Number.isSafeInteger(pid) || pid <= 0 || pid > MAX_PID) return false;
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code !== 'EPERM') throw error;
  }
  const stat = readStat(pid);
  if (stat === undefined) return true; // no /proc to ask: signal 0 is all there is
  return isRunningState(stat.state);
}

/**
 * What the OS says process `pid` uses (see `ProcessUsage`; its CPU is its own, not its reaped
 * children's); undefined when it is gone, or ends while being read, or there is no /proc.
 */
export function processUsage(
  pid: number,
  { fds = false }: TreeUsageOptions = {},
): ProcessUsage | undefined {
  const stat = readStat(pid);
  if (stat === undefined) return undefined;
  const memory = memoryOf(pid, fds);
  return memory && { cpuSeconds: ticksToSeconds(stat.ownCpuTicks), ...memory };
}

/**
 * The tree's usage, summed (see `TreeUsage`); undefined when `root` is gone or a zombie, or
 * there is no /proc.
 */
export function processTreeUsage(
  root: number,
  options: { fds: true },
): (TreeUsage & { fds: number }) | undefined;
export function processTreeUsage(root: number, options?: TreeUsageOptions): TreeUsage | undefined;
export function processTreeUsage(
  root: number,
  { fds = false }: TreeUsageOptions = {},
): TreeUsage | undefined {
  for (let attempt = 1; ; attempt++) {
    const found = walk(root);
    if (found === undefined) return undefined;
    const { usage, consistent } = sumUsage(found, fds);
    if (consistent || attempt === READ_ATTEMPTS) return usage;
  }
}

/** A process the walk reached: its children, listed before its stat was read. */
interface Found {
  readonly pid: number;
  readonly children: readonly number[] | undefined;
  /** Undefined when it ended before its stat was read. */
  readonly stat: ProcStat | undefined;
}

/**
 * Every process below `root`, zombies included, breadth first, parents before their children;
 * undefined when `root` is gone or a zombie, or there is no /proc. Each process's children are
 * listed before its stat is read, so a child reaped in between is both listed (then found gone
 * or dead) and in its parent's reaped time, never in neither.
 */
function walk(root: number): Found[] | undefined {
  const first = visit(root);
  if (first.children === undefined || first.stat === undefined) return undefined;
  if (!isRunningState(first.stat.state)) return undefined;
  const found = [first];
  // Each process's children are appended behind it and visited in their turn.
  for (let i = 0; i < found.length; i++) {
    for (const child of found[i]?.children ?? []) found.push(visit(child));
  }
  return found;
}

function visit(pid: number): Found {
  const children = childrenOf(pid);
  return { pid, children, stat: readStat(pid) };
}

/**
 * The walk's processes summed. Not `consistent` when one was reaped while being read (gone, or
 * dead: being reaped): its time may be in neither its own stat nor its parent's, read before.
 */
function sumUsage(
  found: readonly Found[],
  fds: boolean,
): { usage: TreeUsage; consistent: boolean } {
  const usage: TreeUsage = {
    rssBytes: 0,
    cpuSeconds: 0,
    threads: 0,
    fds: fds ? 0 : undefined,
    processes: 0,
  };
  let consistent = true;
  let cpuTicks = 0; // whole ticks, converted once (see ticksToSeconds)
  for (const { pid, stat } of found) {
    if (stat === undefined || stat.state === 'X') {
      consistent = false;
      continue;
    }
    cpuTicks += stat.ownCpuTicks + stat.reapedCpuTicks;
    if (stat.state === 'Z') continue; // its time counts until reaped; it runs and holds nothing
    // Ended since its stat was read: its time is counted, its memory is no more.
    const memory = memoryOf(pid, fds);
    if (memory === undefined) continue;
    usage.processes += 1;
    usage.rssBytes += memory.rssBytes;
    usage.threads += memory.threads;
    if (usage.fds !== undefined) usage.fds += memory.fds ?? 0;
  }
  usage.cpuSeconds = ticksToSeconds(cpuTicks);
  return { usage, consistent };
}

/** Process `pid`'s memory, threads and (when asked) descriptors; undefined when it is gone. */
function memoryOf(pid: number, fds: boolean): Omit<ProcessUsage, 'cpuSeconds'> | undefined {
  const status = readOrUndefined(`/proc/${pid}/status`);
  if (status === undefined) return undefined;
  return {
    rssBytes: Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024,
    threads: Number(/^Threads:\s+(\d+)$/m.exec(status)?.[1] ?? 0),
    fds: fds ? countOrZero(`/proc/${pid}/fd`) : undefined,
  };
}

function countOrZero(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
}

/**
 * Whether process `pid` catches `signal` — has a handler of its own for it (bit `signal − 1` of
 * the `SigCgt` mask in /proc's `status`) — so that sending it runs that handler rather than the
 * signal's default action (for SIGUSR2: the process ends). Undefined when the process is gone or
 * there is no /proc.
 */
export function catchesSignal(pid: number, signal: NodeJS.Signals): boolean | undefined {
  const mask = readOrUndefined(`/proc/${pid}/status`)?.match(/^SigCgt:\s*([0-9a-f]+)$/m)?.[1];
  if (mask === undefined) return undefined;
  return ((BigInt(`0x${mask}`) >> BigInt(constants.signals[signal] - 1)) & 1n) === 1n;
}
