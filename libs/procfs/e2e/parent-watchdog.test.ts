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

describe('watchParent: a process stuck in synchronous code when its parent is killed outright', () => {
  it('ends once the parent is gone (no grace)', async () => {
    const run = await parentOf(0);
    try {
      expect(threadNames(run.child)).toContain(WATCHDOG_THREAD_NAME);
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
