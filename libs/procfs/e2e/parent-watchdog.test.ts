import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, threadNames, WATCHDOG_THREAD_NAME } from '../src';
import { startParent } from '../src/testing';

/**
 * A parent (fixtures/orphan-parent.js) whose one child is stuck in synchronous code, with the
 * watchdog (`grace`: its grace in ms) or without (`none`). Resolves once the child is blocked.
 */
const parentOf = (grace: number | 'none') =>
  startParent(join(__dirname, 'fixtures', 'orphan-parent.js'), [`${grace}`]);

/** Resolves once `pid` is gone; rejects after `timeoutMs`. */
async function gone(pid: number, timeoutMs: number): Promise<void> {
  for (let waited = 0; isAlive(pid); waited += 20) {
    if (waited > timeoutMs) throw new Error(`process ${pid} still runs after ${timeoutMs} ms`);
    await sleep(20);
  }
}

/** Resolves once `pid` has a thread named as the watchdog; rejects after `timeoutMs`. */
async function named(pid: number, timeoutMs: number): Promise<void> {
  for (let waited = 0; !threadNames(pid)?.includes(WATCHDOG_THREAD_NAME); waited += 20) {
    if (waited > timeoutMs) {
      throw new Error(`process ${pid} has no ${WATCHDOG_THREAD_NAME} thread after ${timeoutMs} ms`);
    }
    await sleep(20);
  }
}

describe('watchParent: a process stuck in synchronous code when its parent is killed outright', () => {
  it('ends once the parent is gone (no grace)', async () => {
    const run = await parentOf(0);
    try {
      // The thread exists once the child reports, but names itself as it boots (until then it
      // reads `MainThread`, as its creator did): read until it has, as the boot may lag on a
      // loaded machine.
      await named(run.child, 5_000);
      await run.killParent();
      // A poll every 250 ms: 5 s is room for a loaded machine, far short of the child's 60 s.
      await gone(run.child, 5_000);
    } finally {
      run.cleanUp();
    }
  });

  it('lives out its grace first, then ends', async () => {
    const run = await parentOf(2_000);
    try {
      await run.killParent();
      // The grace starts when a poll sees the parent gone, never before its death: 1 s in, the
      // child must still run (the watchdog of the test above would have ended it by then).
      await sleep(1_000);
      expect(isAlive(run.child)).toBe(true);
      await gone(run.child, 6_000);
    } finally {
      run.cleanUp();
    }
  });

  it('negative control, the OS alone: without the watchdog the child runs on', async () => {
    const run = await parentOf('none');
    try {
      expect(threadNames(run.child)).not.toContain(WATCHDOG_THREAD_NAME);
      await run.killParent();
      // Six polls of a watchdog, had it one: this child stays (killed in the finally).
      await sleep(1_500);
      expect(isAlive(run.child)).toBe(true);
    } finally {
      run.cleanUp();
    }
  });
});

describe('watchParent: a process with nothing else to do', () => {
  it('still exits by itself: the watchdog thread does not hold it', async () => {
    // Built procfs, as the fixtures load it; prints whether a watchdog thread started at all.
    const script = `const worker = require(${JSON.stringify(join(__dirname, '..', 'dist'))})
      .watchParent(); console.log(worker === undefined ? 'no watchdog' : 'watching');`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exit = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
    // It exits in about 70 ms; a referenced watchdog would keep it polling for ever.
    const timeout = sleep(10_000, 'still running after 10 s', { ref: false });
    const outcome = await Promise.race([exit, timeout]);
    if (typeof outcome === 'string') child.kill('SIGKILL');
    expect({ outcome, stdout }).toEqual({ outcome: [0, null], stdout: 'watching\n' });
  }, 15_000);
});

describe('watchParent: what the watchdog thread does not take from its process', () => {
  const dist = JSON.stringify(join(__dirname, '..', 'dist'));

  it("runs none of the process's preloads (--require): one that throws in a thread leaves it be", async () => {
    // Prints whether the watchdog thread still runs after ~4 of its polls, or that it died.
    const script = `const procfs = require(${dist});
      const watchdog = procfs.watchParent();
      watchdog.once('exit', () => { console.log('watchdog exited'); process.exit(0); });
      setTimeout(() => {
        console.log(procfs.threadNames(process.pid).includes(procfs.WATCHDOG_THREAD_NAME)
          ? 'watching' : 'no thread');
        process.exit(0);
      }, 1_000);`;
    const preload = join(__dirname, 'fixtures', 'no-worker-threads.cjs');
    const child = spawn(process.execPath, ['--require', preload, '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number | null];
    expect({ code, output }).toEqual({ code: 0, output: 'watching\n' });
  }, 15_000);

  it('starts nothing for a process already orphaned to init (pid 1): there is no parent to watch', async () => {
    // A parent that starts a child and leaves at once: the child waits to be adopted (by init,
    // or by a subreaper when one is set up above this test), then calls watchParent. It is told
    // its parent's pid: on a loaded machine the parent may be gone before the child first looks.
    // It gives up after 5 s, so that nothing outlives the test.
    const child = `const parent = Number(process.argv[1]);
      const giveUp = setTimeout(() => { console.log('never adopted'); process.exit(1); }, 5_000);
      const poll = setInterval(() => {
        if (process.ppid === parent) return;
        clearInterval(poll);
        clearTimeout(giveUp);
        const watchdog = require(${dist}).watchParent();
        console.log(JSON.stringify({ ppid: process.ppid, watching: watchdog !== undefined }));
        process.exit(0);
      }, 10);`;
    const parent = `require('node:child_process').spawn(process.execPath,
      ['-e', ${JSON.stringify(child)}, String(process.pid)], { stdio: ['ignore', 'inherit', 'inherit'] });
      setTimeout(() => process.exit(0), 100);`;
    const run = spawn(process.execPath, ['-e', parent], { stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    run.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    // The stdout pipe ends once the orphan, which holds it too, has exited.
    await once(run.stdout, 'end');
    expect(stdout).toMatch(/^\{.*\}\n$/); // not 'never adopted'
    // Adopted by init: nothing to watch. Adopted by a subreaper: it is watched as a parent.
    const answer = JSON.parse(stdout) as { ppid: number; watching: boolean };
    expect(answer).toEqual({ ppid: answer.ppid, watching: answer.ppid > 1 });
  }, 15_000);
});
