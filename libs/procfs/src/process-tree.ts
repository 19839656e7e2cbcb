import { readdirSync, readFileSync } from 'node:fs';

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
 * tree. A thread pool lives in one process; a cluster or a process pool is a tree: only the
 * tree's sum compares the models fairly.
 */
export interface TreeUsage extends ProcessUsage {
  /** How many processes the tree has, the root included. */
  processes: number;
}

export interface TreeUsageOptions {
  /** Count open file descriptors too (`ProcessUsage.fds`). @default false */
  fds?: boolean;
}

/**
 * Linux's USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on every architecture Linux
 * runs (the kernel converts to it whatever its internal HZ), so it is not looked up.
 */
const TICKS_PER_SECOND = 100;

/**
 * The direct children of `pid`, from every one of its threads' `children` lists (a child is
 * listed under the thread that forked it). Undefined when the process is gone or there is no
 * /proc.
 */
export function childrenOf(pid: number): number[] | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const found = new Set<number>();
  for (const task of tasks) {
    const list = readOrUndefined(`/proc/${pid}/task/${task}/children`) ?? ''; // the thread ended
    for (const child of list.split(' ').filter(Boolean)) found.add(Number(child));
  }
  return [...found];
}

/**
 * `root` and every process below it, root first, parents before their children. Undefined when
 * `root` is gone or there is no /proc; a descendant that ends while being read is left out.
 */
export function processTree(root: number): number[] | undefined {
  const children = childrenOf(root);
  if (children === undefined) return undefined;
  const pids = [root, ...children];
  // Breadth first: each process's children are appended behind it and read in their turn.
  for (let i = 1; i < pids.length; i++) pids.push(...(childrenOf(pids[i] as number) ?? []));
  return pids;
}

/**
 * True while process `pid` runs: signal 0 checks it exists without sending anything (one that
 * is not ours to signal, EPERM, exists too), and a zombie — exited, not yet reaped by its
 * parent — is not running, though signal 0 still reaches it.
 */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    if (code !== 'EPERM') throw error;
  }
  const fields = statFields(pid);
  if (fields === undefined) return true; // no /proc to ask: signal 0 is all there is
  return fields[0] !== 'Z';
}

/**
 * What the OS says process `pid` uses (see `ProcessUsage`); undefined when it is gone, or ends
 * while being read, or there is no /proc.
 */
export function processUsage(
  pid: number,
  { fds = false }: TreeUsageOptions = {},
): ProcessUsage | undefined {
  const status = readOrUndefined(`/proc/${pid}/status`);
  const fields = statFields(pid);
  if (status === undefined || fields === undefined) return undefined;
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  // A line that does not parse is no reading: a NaN would stick in a counter it is added to.
  if (!Number.isFinite(ticks)) return undefined;
  return {
    rssBytes: Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024,
    cpuSeconds: ticks / TICKS_PER_SECOND,
    threads: Number(/^Threads:\s+(\d+)$/m.exec(status)?.[1] ?? 0),
    fds: fds ? countOrZero(`/proc/${pid}/fd`) : undefined,
  };
}

/** The tree's usage, summed (see `TreeUsage`); undefined when `root` is gone or no /proc. */
export function processTreeUsage(
  root: number,
  options: { fds: true },
): (TreeUsage & { fds: number }) | undefined;
export function processTreeUsage(root: number, options?: TreeUsageOptions): TreeUsage | undefined;
export function processTreeUsage(
  root: number,
  options: TreeUsageOptions = {},
): TreeUsage | undefined {
  const pids = processTree(root);
  if (pids === undefined) return undefined;
  const usage: TreeUsage = {
    rssBytes: 0,
    cpuSeconds: 0,
    threads: 0,
    fds: options.fds ? 0 : undefined,
    processes: pids.length,
  };
  for (const pid of pids) {
    const one = processUsage(pid, options);
    if (one === undefined) continue; // it ended: it uses nothing now
    usage.rssBytes += one.rssBytes;
    usage.cpuSeconds += one.cpuSeconds;
    usage.threads += one.threads;
    if (usage.fds !== undefined) usage.fds += one.fds ?? 0;
  }
  return usage;
}

/**
 * The fields of `/proc/<pid>/stat` after the command name (which may itself hold spaces and
 * parentheses): the state first, then ppid, …; utime and stime at 11 and 12.
 */
function statFields(pid: number): string[] | undefined {
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
}

function readOrUndefined(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined; // the process or thread ended meanwhile
  }
}

function countOrZero(dir: string): number {
  try {
    return readdirSync(dir).length;
  } catch {
    return 0;
  }
}
