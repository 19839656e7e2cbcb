import { readdirSync, readFileSync } from 'node:fs';

/**
 * What the OS says a process and all its descendants use, summed over the tree (Linux /proc).
 * A thread pool lives in one process; a cluster or a process pool is a tree: only the tree's
 * sum compares the models fairly. Read from the OS, it needs no answer from the service, so a
 * saturated event loop leaves no gap.
 */
export interface TreeUsage {
  /** Resident memory (VmRSS) of every process of the tree. */
  rssBytes: number;
  /** User + system CPU time of every process of the tree, its threads included. */
  cpuSeconds: number;
  /** Threads of every process (a worker_threads pool shows here). */
  threads: number;
  /** Open file descriptors of every process (sockets, pipes, files). */
  fds: number;
  /** How many processes the tree has, the root included. */
  processes: number;
  /** The root's direct children: cluster workers, or pool processes. */
  children: number[];
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
  return walk(root)?.pids;
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
  const stat = readOrUndefined(`/proc/${pid}/stat`);
  if (stat === undefined) return true; // no /proc to ask: signal 0 is all there is
  return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
}

/** The tree's usage, summed (see `TreeUsage`); undefined when `root` is gone or no /proc. */
export function processTreeUsage(root: number): TreeUsage | undefined {
  const tree = walk(root);
  if (tree === undefined) return undefined;
  const { pids, children } = tree;
  const usage: TreeUsage = {
    rssBytes: 0,
    cpuSeconds: 0,
    threads: 0,
    fds: 0,
    processes: pids.length,
    children,
  };
  let ticks = 0;
  for (const pid of pids) {
    const status = readOrUndefined(`/proc/${pid}/status`);
    const stat = readOrUndefined(`/proc/${pid}/stat`);
    if (status === undefined || stat === undefined) continue; // it ended: it uses nothing now
    usage.rssBytes += Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
    usage.threads += Number(/^Threads:\s+(\d+)$/m.exec(status)?.[1] ?? 0);
    usage.fds += countOrZero(`/proc/${pid}/fd`);
    // The fields after the command name, which may itself hold spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
  }
  usage.cpuSeconds = ticks / TICKS_PER_SECOND;
  return usage;
}

function walk(root: number): { pids: number[]; children: number[] } | undefined {
  const children = childrenOf(root);
  if (children === undefined) return undefined;
  const pids = [root, ...children];
  // Breadth first: each process's children are appended behind it and read in their turn.
  for (let i = 1; i < pids.length; i++) pids.push(...(childrenOf(pids[i] as number) ?? []));
  return { pids, children };
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
