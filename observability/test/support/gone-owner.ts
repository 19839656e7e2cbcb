import { readStat } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import type { FolderOwner } from '../../src/abandoned-folders';

/** `me`'s record for a real process that ran and has ended (reaped: its pid is free). */
export async function goneOwner(me: FolderOwner): Promise<FolderOwner> {
  const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)']);
  try {
    const stat = readStat(child.pid ?? -1);
    if (stat === undefined) throw new Error(`no /proc/${child.pid}/stat for a live child`);
    return { ...me, pid: child.pid ?? -1, startTicks: stat.startTicks };
  } finally {
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }
}
