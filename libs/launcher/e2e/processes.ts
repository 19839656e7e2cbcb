import { readdirSync, readFileSync } from 'node:fs';

/** Pids of this process's live children (from /proc), to prove nothing was left behind. */
export function childPids(parent = process.pid): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // /proc/<pid>/stat: "pid (comm) state ppid …" — comm may hold spaces, so split after ')'.
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent && fields[0] !== 'Z') pids.push(Number(entry));
    } catch {
      // the process ended while we read the table
    }
  }
  return pids;
}
