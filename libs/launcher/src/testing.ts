import { afterAll } from '@jest/globals';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { processTree } from '@concurrency-lab/procfs';
import type { ServiceProcess } from './service-process';
import { appEntry } from './workspace';

// Test-only (it needs jest): `@concurrency-lab/launcher/testing`, what the workspace's tests
// share: the bounded wait their polls use (all but thread-pool's /testing suite, which lives in
// a model lib's src and so may not import tooling: it keeps its own `eventually`), and for the
// e2e tests that run the repository's commands as processes, a temp folder and runApp; and a
// test's own server on loopback (listen, close) or a URL where nothing listens (closedUrl).

/** How `until` waits. */
export interface UntilOptions {
  /** What it waits for, as the failure names it: "… waiting for the worker to queue". */
  readonly what?: string;
  /** More for the failure, read when it gives up: what a service printed, say. */
  readonly detail?: () => string;
  /** It gives up (rejects) once this long has passed. @default 10000 */
  readonly timeoutMs?: number;
  /**
   * The pause between checks, in ms. 0 checks once every event-loop turn (setImmediate) and
   * creates no timer: for a condition on the process's own timers, which a polling timer would
   * be one of. @default 5
   */
  readonly everyMs?: number;
}

/**
 * Resolves once `condition` holds (sync or async), checking at once and then every `everyMs`;
 * rejects after `timeoutMs`, naming `what`, so a wait that never ends is a clear failure rather
 * than a jest timeout. A wait for an event the test cannot subscribe to (a worker thread's state
 * in shared memory, a count in another object), never a timing assertion.
 */
export async function until(
  condition: () => boolean | Promise<boolean>,
  { what = 'the condition', timeoutMs = 10_000, everyMs = 5, detail }: UntilOptions = {},
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!(await condition())) {
    if (performance.now() > deadline)
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${what}${detail ? `; ${detail()}` : ''}`,
      );
    await (everyMs === 0 ? nextTurn() : sleep(everyMs));
  }
}

/**
 * The first of `service`'s log lines that `matches` accepts, once it has written one (polled
 * every 40 ms, 10 s at most); the failure names `what` and shows what the service printed.
 */
export async function untilLog<T extends object>(
  service: ServiceProcess,
  what: string,
  matches: (line: T) => boolean,
): Promise<T> {
  let found: T | undefined;
  await until(() => (found = service.logs<T>().find(matches)) !== undefined, {
    what,
    everyMs: 40,
    detail: () => `it printed:\n${service.output()}`,
  });
  return found as T;
}

/**
 * A new empty folder in the OS temp folder, named `<prefix>` and six random characters, for
 * what a command under test writes (`--out`): it is removed, with all it holds, after the last
 * test of the describe whose body calls this (it registers an `afterAll` there).
 */
export function tempFolder(prefix: string): string {
  const path = mkdtempSync(join(tmpdir(), prefix));
  afterAll(() => rmSync(path, { recursive: true, force: true }));
  return path;
}

/** How a command run by `runApp` ended, and what it printed. */
export interface AppExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Most processes below it at once, sampled every 100 ms while it ran (0: it started none). */
  maxChildren: number;
  /** How many times the processes below it were counted: `maxChildren` 0 means something if ≥ 1. */
  samples: number;
}

export interface RunAppOptions {
  /** The command's environment. @default process.env */
  env?: NodeJS.ProcessEnv;
  /**
   * Killed (SIGKILL) once it runs this long, so a hung command ends the test instead of
   * outliving it and keeping jest from exiting. @default 600000 (10 minutes)
   */
  timeoutMs?: number;
}

/**
 * Runs an app's built command (`apps/<app>/dist/main.js <args>`, as `npm start` or `npm run
 * <app>` would) to its end on this Node, and gives what it printed. It resolves once the
 * process has exited *and* its output is read to the end. Throws NotBuiltError when the app
 * is not built.
 */
export function runApp(
  app: string,
  args: readonly string[],
  { env = process.env, timeoutMs = 600_000 }: RunAppOptions = {},
): Promise<AppExit> {
  const child = spawn(process.execPath, [appEntry(app), ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
    timeout: timeoutMs,
    killSignal: 'SIGKILL',
  });
  let stdout = '';
  let stderr = '';
  let maxChildren = 0;
  let samples = 0;
  const count = () => {
    const tree = processTree(child.pid ?? -1);
    if (tree === undefined) return; // it has ended: nothing was counted
    samples++;
    maxChildren = Math.max(maxChildren, tree.length - 1);
  };
  // Counted once at once, so a command that ends within 100 ms is counted too.
  setImmediate(count);
  const watch = setInterval(count, 100);
  watch.unref();
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  return new Promise((resolve, reject) => {
    child.once('error', (error) => {
      clearInterval(watch);
      reject(error);
    });
    child.once('close', (code, signal) => {
      clearInterval(watch);
      resolve({ code, signal, stdout, stderr, maxChildren, samples });
    });
  });
}

export { findMachineTool, machineToolOrSkip, whyMissing, type MachineTool } from './machine-tool';
export { close, closedUrl, listen } from './loopback';
