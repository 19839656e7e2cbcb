import { appEntry } from '@concurrency-lab/launcher';
import { tempFolder, until } from '@concurrency-lab/launcher/testing';
import { childrenOf as childrenIn, isAlive } from '@concurrency-lab/procfs';
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';

const childrenOf = (pid: number): number[] => childrenIn(pid) ?? [];

const started: number[] = [];
afterAll(() => {
  // A test that failed leaves nothing running behind it.
  // pid > 0: a missing pid reads -1 here, and signalling -1 reaches every process we may signal.
  for (const pid of started.filter((pid) => pid > 0 && isAlive(pid))) process.kill(pid, 'SIGKILL');
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

/**
 * libuv-pool with 3 s for the reads to settle, once it has forked its child: the command is then
 * ended while the child's pool threads are blocked opening pipes nobody writes.
 */
async function libuvPoolWithChild(tmp: string) {
  const { app, ended } = demo(['libuv-pool', '--settle-ms', '3000'], tmp);
  await madeFolder(tmp, 'demo-libuv-');
  const [child = -1] = childrenOf(app.pid ?? -1);
  started.push(child);
  return { app, ended, child };
}

describe('the demo command, ended from outside', () => {
  const folders = [1, 2, 3].map(() => tempFolder('demos-signals-'));
  it('libuv-pool: its child ends when the command is killed outright, pipes and all', async () => {
    const tmp = folders[0] as string;
    const { app, ended, child } = await libuvPoolWithChild(tmp);
    expect(child > 0 && isAlive(child)).toBe(true);
    app.kill('SIGKILL');
    await ended;
    await until(() => !isAlive(child), { what: 'the orphaned child to end', timeoutMs: 5000 });
    expect(readdirSync(tmp)).toEqual([]);
  });

  it('libuv-pool: Ctrl-C ends the command and its child, and removes the pipes', async () => {
    const tmp = folders[1] as string;
    const { app, ended, child } = await libuvPoolWithChild(tmp);
    process.kill(-(app.pid ?? -1), 'SIGINT'); // the whole group, as a terminal's Ctrl-C
    expect(await ended).toEqual({ code: null, signal: 'SIGINT' });
    await until(() => !isAlive(child), { what: 'the child to end', timeoutMs: 5000 });
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
