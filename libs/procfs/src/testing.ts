import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { childrenOf, isAlive } from './process-tree';

// Test-only: `@concurrency-lab/procfs/testing`, what the e2e tests of a child outliving (or not)
// its parent share: procfs's own (the parent watchdog) and the launcher's (tiedCommand), which
// may import procfs but not the other way round. No jest in it: the runtime index never loads it.

/**
 * The pids of this process's children that still run (a zombie not yet reaped counts as gone),
 * for a test to assert that nothing it started outlived it.
 */
export const liveChildren = (): number[] => (childrenOf(process.pid) ?? []).filter(isAlive);

/** A parent started by `startParent`, and the one child it reported. */
export interface StartedParent {
  /** The pid of the child the parent started. */
  readonly child: number;
  /** SIGKILLs the parent (no exit hook runs) and resolves once it is gone. */
  killParent(): Promise<void>;
  /** Nothing outlives the test: the parent and its child are SIGKILLed (for a `finally`). */
  cleanUp(): void;
}

/**
 * Starts `node <script> <args>`, a parent that prints `{"child":<pid>}` and a newline once its
 * child is ready, then waits to be killed; resolves once it has printed. Rejects, naming what it
 * printed, should it exit first or print nothing within `timeoutMs` (a clear failure, not a jest
 * timeout).
 */
export async function startParent(
  script: string,
  args: readonly string[],
  timeoutMs = 10_000,
): Promise<StartedParent> {
  const parent = spawn(process.execPath, [script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(parent, 'exit');
  let out = '';
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${script} reported no child in ${timeoutMs} ms: ${out}`)),
        timeoutMs,
      );
      parent.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (!out.includes('\n')) return;
        clearTimeout(timer);
        resolve();
      });
      parent.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(
          new Error(`${script} exited (${code ?? signal}) before it reported a child: ${out}`),
        );
      });
    });
  } catch (error) {
    parent.kill('SIGKILL');
    throw error;
  }
  const { child } = JSON.parse(out) as { child: number };
  return {
    child,
    killParent: async () => {
      parent.kill('SIGKILL');
      await exited;
    },
    cleanUp: () => {
      parent.kill('SIGKILL');
      if (isAlive(child)) process.kill(child, 'SIGKILL');
    },
  };
}
