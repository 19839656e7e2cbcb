import { readFileSync, readdirSync } from 'node:fs';

/** What the OS says a process and all its descendants use. */
export interface TreeUsage {
  /** Summed VmRSS of every process of the tree. */
  rssBytes: number;
  /** Summed user + system CPU time of every process of the tree (threads included). */
  cpuSeconds: number;
  /** How many processes the tree has. */
  processes: number;
}

/**
 * Linux's USER_HZ, the unit of utime/stime in /proc/<pid>/stat: 100 on every architecture Linux
 * runs (the kernel converts to it whatever its internal HZ), so it is not looked up.
 */
const TICKS_PER_SECOND = 100;

/**
 * RSS and CPU of a process and all its descendants, from /proc (Linux). A thread pool shares its
 * process's figures; a cluster or a process pool is a tree — summing the tree is the only fair
 * figure across models. Read from the OS, it needs no answer from the service, so a saturated
 * event loop cannot leave a gap in the series. Undefined where /proc is not available.
 */
export function processTreeUsage(rootPid: number): TreeUsage | undefined {
  try {
    const pids = descendants(rootPid);
    let rssBytes = 0;
    let ticks = 0;
    for (const pid of pids) {
      try {
        const status = readFileSync(`/proc/${pid}/status`, 'utf8');
        const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
        if (match) rssBytes += Number(match[1]) * 1024;
        // Fields after the command name, which may itself hold spaces and parentheses.
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        ticks += Number(fields[11] ?? 0) + Number(fields[12] ?? 0); // utime, stime
      } catch {
        // the process ended between the listing and the read: it no longer uses anything
      }
    }
    return { rssBytes, cpuSeconds: ticks / TICKS_PER_SECOND, processes: pids.length };
  } catch {
    return undefined;
  }
}

function descendants(root: number): number[] {
  const seen = [root];
  for (let i = 0; i < seen.length; i++) {
    const pid = seen[i] as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch (error) {
      if (pid === root) throw error; // no /proc, or no such process: nothing to measure
      continue; // a descendant that ended meanwhile
    }
    for (const task of tasks) {
      let children = '';
      try {
        children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8');
      } catch {
        continue; // the task ended meanwhile
      }
      for (const child of children.split(' ').filter(Boolean)) seen.push(Number(child));
    }
  }
  return seen;
}
