import { readFileSync, readdirSync } from 'node:fs';

/**
 * RSS of a process and all its descendants, from /proc (Linux). A thread pool shares its
 * process's RSS; a cluster is a tree — summing the tree is the only fair memory figure across
 * models. Returns undefined where /proc is not available (the report then uses /metrics).
 */
export function processTreeRssBytes(rootPid: number): number | undefined {
  try {
    const pids = descendants(rootPid);
    let total = 0;
    for (const pid of pids) {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const match = /^VmRSS:\s+(\d+) kB$/m.exec(status);
      if (match) total += Number(match[1]) * 1024;
    }
    return total;
  } catch {
    return undefined;
  }
}

function descendants(root: number): number[] {
  const seen = [root];
  for (let i = 0; i < seen.length; i++) {
    const pid = seen[i] as number;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
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
