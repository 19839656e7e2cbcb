import { appEntry } from '@concurrency-lab/launcher';
import { tempFolder, until } from '@concurrency-lab/launcher/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/** The direct children of `pid`, from /proc (each thread lists the ones it forked). */
function childrenOf(pid: number): number[] {
  try {
    return readdirSync(`/proc/${pid}/task`).flatMap((task) =>
      readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8')
        .split(' ')
        .filter(Boolean)
        .map(Number),
    );
  } catch {
    return [];
  }
}

/** Whether `pid` still runs: gone, or a zombie nobody reaped (an orphan's fate here), is not. */
function running(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

const started: number[] = [];
afterAll(() => {
  // A test that failed leaves nothing running behind it.
  for (const pid of started.filter(running)) process.kill(pid, 'SIGKILL');
});

/**
 * The demo command in a process group of its own (as a terminal runs it, so Ctrl-C can reach
 * the group), with its temp folders in `tmp`.
 */
function demo(args: string[], tmp: string): { app: ChildProcess; ended: Promise<unknown> } {
  const app = spawn(process.execPath, [appEntry('demos'), ...args], {
    env: { ...process.env, TMPDIR: tmp },
    stdio: 'ignore',
    detached: true,
  });
  started.push(app.pid ?? -1);
  const ended = new Promise((resolve) =>
    app.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return { app, ended };
}

/** Once the demo has made its temp folder (and, for libuv-pool, forked the child that did). */
const madeFolder = (tmp: string, prefix: string) =>
  until(() => readdirSync(tmp).some((name) => name.startsWith(prefix)), {
    what: `a ${prefix}* folder`,
  });

describe('the demo command, ended from outside', () => {
  const folders = [1, 2, 3].map(() => tempFolder('demos-signals-'));
  it('libuv-pool: its child ends when the command is killed outright, pipes and all', async () => {
    const tmp = folders[0] as string;
    // 3 s for the reads to settle: the command is killed while the child's pool threads are
    // blocked opening pipes nobody writes.
    const { app, ended } = demo(['libuv-pool', '--settle-ms', '3000'], tmp);
    await madeFolder(tmp, 'demo-libuv-');
    const [child = -1] = childrenOf(app.pid ?? -1);
    started.push(child);
    expect(running(child)).toBe(true);
    app.kill('SIGKILL');
    await ended;
    await until(() => !running(child), { what: 'the orphaned child to end', timeoutMs: 5000 });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('libuv-pool: Ctrl-C ends the command and its child, and removes the pipes', async () => {
    const tmp = folders[1] as string;
    const { app, ended } = demo(['libuv-pool', '--settle-ms', '3000'], tmp);
    await madeFolder(tmp, 'demo-libuv-');
    const [child = -1] = childrenOf(app.pid ?? -1);
    started.push(child);
    process.kill(-(app.pid ?? -1), 'SIGINT'); // the whole group, as a terminal's Ctrl-C
    expect(await ended).toEqual({ code: null, signal: 'SIGINT' });
    await until(() => !running(child), { what: 'the child to end', timeoutMs: 5000 });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('blocking: SIGTERM removes its temp folder and ends the command by that signal', async () => {
    const tmp = folders[2] as string;
    // 20 hashes: the run lasts a few seconds, well past the signal.
    const { app, ended } = demo(['blocking', '--hashes', '20'], tmp);
    await madeFolder(tmp, 'demo-blocking-');
    app.kill('SIGTERM');
    expect(await ended).toEqual({ code: null, signal: 'SIGTERM' });
    expect(readdirSync(tmp)).toEqual([]);
  });
});
