import { readdirSync, readFileSync } from 'node:fs';

/** A process and its descendants, as the OS sees them (Linux /proc). */
export interface TreeStats {
  /** Resident memory of every process of the tree, summed. */
  rssBytes: number;
  /** Threads of every process (a worker_threads pool shows here). */
  threads: number;
  /** Open file descriptors of every process (sockets, pipes, files). */
  fds: number;
  /** The direct children of the root: cluster workers, or pool processes. */
  children: number[];
}

/**
 * Reads /proc for `rootPid` and its descendants. A cluster is a tree and a thread pool lives in
 * one process, so only the tree's sum compares models fairly. A process that ends while being
 * read is skipped (a worker being replaced). Undefined when the root is gone or /proc is absent.
 */
export function treeStats(rootPid: number): TreeStats | undefined {
  const children = childrenOf(rootPid);
  if (children === undefined) return undefined;
  const stats: TreeStats = { rssBytes: 0, threads: 0, fds: 0, children };
  const pids = [rootPid];
  for (let i = 0; i < pids.length; i++) {
    const pid = pids[i] as number;
    if (i > 0) pids.push(...(childrenOf(pid) ?? []));
    else pids.push(...children);
    const status = readOrUndefined(`/proc/${pid}/status`);
    if (status === undefined) continue;
    stats.rssBytes += Number(/^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1] ?? 0) * 1024;
    stats.threads += Number(/^Threads:\s+(\d+)$/m.exec(status)?.[1] ?? 0);
    stats.fds += countOrZero(`/proc/${pid}/fd`);
  }
  return stats;
}

/** The direct children of `pid` (from every thread's `children` list). */
export function childrenOf(pid: number): number[] | undefined {
  let tasks: string[];
  try {
    tasks = readdirSync(`/proc/${pid}/task`);
  } catch {
    return undefined;
  }
  const found = new Set<number>();
  for (const task of tasks) {
    const list = readOrUndefined(`/proc/${pid}/task/${task}/children`) ?? '';
    for (const child of list.split(' ').filter(Boolean)) found.add(Number(child));
  }
  return [...found];
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
