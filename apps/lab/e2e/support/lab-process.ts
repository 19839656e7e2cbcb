import { appEntry } from '@concurrency-lab/launcher';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

export interface LabExit {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Most processes seen below the lab at once, sampled every 100 ms while it ran. */
  maxChildren: number;
}

/** Runs `lab <args>` from dist, as `npm start` would, watching the processes it starts. */
export function runLab(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<LabExit> {
  return new Promise((resolve) => {
    const child: ChildProcess = spawn(process.execPath, [appEntry('lab'), ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env,
    });
    let stdout = '';
    let stderr = '';
    let maxChildren = 0;
    const watch = setInterval(() => {
      maxChildren = Math.max(maxChildren, descendants(child.pid ?? -1).length);
    }, 100);
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => {
      clearInterval(watch);
      resolve({ code, stdout, stderr, maxChildren });
    });
  });
}

/** Every process below `root`, from /proc (Linux); empty once `root` is gone. */
export function descendants(root: number): number[] {
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const pid = queue.shift() as number;
    let tasks: string[] = [];
    try {
      tasks = readdirSync(`/proc/${pid}/task`);
    } catch {
      continue; // ended meanwhile
    }
    for (const task of tasks) {
      let children: number[] = [];
      try {
        children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
          .split(' ')
          .filter(Boolean)
          .map(Number);
      } catch {
        continue;
      }
      found.push(...children);
      queue.push(...children);
    }
  }
  return found;
}
