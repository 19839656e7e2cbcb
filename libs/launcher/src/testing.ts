import { afterAll, beforeAll } from '@jest/globals';
import { AsyncResource, createHook, executionAsyncId, type AsyncHook } from 'node:async_hooks';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MODELS } from '@concurrency-lab/models';
import { isAlive, processTree } from '@concurrency-lab/procfs';
import type { ServiceProcess } from './service-process';
import { appEntry } from './workspace';

// Test-only (it needs jest): `@concurrency-lab/launcher/testing`, what the workspace's tests
// share: the bounded wait their polls use (all but thread-pool's /testing suite, which lives in
// a model lib's src and so may not import tooling: it keeps its own `eventually`), and for the
// e2e tests that run the repository's commands as processes, a temp folder and runApp (and for
// those that start every service, anyFreePorts and signalWhileStarting); and a test's own
// server on loopback (listen, close) or a URL where nothing listens (closedUrl); whether an
// object was garbage-collected once let go (collected); and the timers a call set, or the timers
// of a delay, as they start and end (timersSetBy, liveTimersOf).

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
 * Timers followed from their start to their end (cleared, or fired and not re-armed) through
 * async_hooks. Dispose of it (`using`) once read: the hook sees every async resource the process
 * makes while it is on.
 */
export interface LiveTimers extends Disposable {
  /**
   * How many of them are live, after one event-loop turn: a timer counts until it is cleared, or
   * has fired and was not re-armed. Read from each timer itself (Node marks it `_destroyed` as
   * it ends), not from async_hooks' destroy event alone, which Node queues to an immediate: a CI
   * run once counted a timer its code had cleared before the read (the likely cause, not
   * reproduced).
   */
  pending(): Promise<number>;
}

/** What `timersSetBy` gives: what the call returned, and the timers it set. */
export interface CallTimers<T> extends LiveTimers {
  /** What the call returned (a promise is handed on, not awaited). */
  readonly result: T;
}

/** Which of a call's timers `timersSetBy` counts. */
export interface TimersSetByOptions {
  /** Only timers of this delay, in ms (a page's timeout among fetch's own timers). */
  readonly ms?: number;
}

/** A timer's delay as Node keeps it (`setTimeout(f, 0)`'s is 1). */
const delayOf = (timer: unknown): number | undefined =>
  (timer as { _idleTimeout?: number })._idleTimeout;

/** Whether a timer has ended: Node sets `_destroyed` as it clears it or as it fires for good. */
const ended = (timer: object): boolean => (timer as { _destroyed?: boolean })._destroyed === true;

/** Timers followed, by async id; the destroy event drops one, if it comes before the read. */
type Followed = Map<number, object>;

function followed(live: Followed, hook: AsyncHook): LiveTimers {
  return {
    pending: async () => {
      await nextTurn();
      return [...live.values()].filter((timer) => !ended(timer)).length;
    },
    [Symbol.dispose]: () => void hook.disable(),
  };
}

/**
 * Runs `call` and follows the timers it set, for a test that it leaves none behind: the ones it
 * set as it ran, and the ones set later by what it set going (a timer's callback, an awaited
 * promise's continuation, a socket's event), however deep. No other timer counts: not one set
 * before the call, nor one set meanwhile by the test, jest, undici or a timer an earlier test
 * file left pending in the same jest worker, whose end moves a count of the process's timers
 * (`process.getActiveResourcesInfo()`). Unref'd timers count too: they are the call's all the
 * same.
 *
 * How: `call` runs in an async resource of its own, and a resource made while one of the call's
 * runs (async_hooks' `executionAsyncId`) is the call's too. The test's own code after it awaited
 * the result runs in its own context, not the call's.
 *
 * @example
 * using flush = timersSetBy(() => flushSpans(hung, { timeoutMs: 20 }));
 * expect(await flush.pending()).toBe(1); // the control: its bound, while it waits
 * await flush.result;
 * expect(await flush.pending()).toBe(0);
 */
export function timersSetBy<T>(call: () => T, { ms }: TimersSetByOptions = {}): CallTimers<T> {
  const scope = new AsyncResource('TimersSetBy', { requireManualDestroy: true });
  const ours = new Set([scope.asyncId()]);
  const live: Followed = new Map();
  const hook = createHook({
    init: (id, type, _trigger, resource) => {
      if (!ours.has(executionAsyncId())) return;
      ours.add(id);
      if (type === 'Timeout' && (ms === undefined || delayOf(resource) === ms))
        live.set(id, resource);
    },
    destroy: (id) => {
      ours.delete(id);
      live.delete(id);
    },
  }).enable();
  try {
    return { result: scope.runInAsyncScope(call), ...followed(live, hook) };
  } catch (error) {
    hook.disable();
    throw error;
  }
}

/**
 * Follows every timer of this delay set in this process from now on, wherever it is set: for a
 * timer no call of the test leads to, such as one a server sets answering a client's request.
 * Timers set before it, and timers of other delays, never count; pick a delay nothing else in
 * the process uses.
 */
export function liveTimersOf(ms: number): LiveTimers {
  const live: Followed = new Map();
  const hook = createHook({
    init: (id, type, _trigger, resource) => {
      if (type === 'Timeout' && delayOf(resource) === ms) live.set(id, resource);
    },
    destroy: (id) => void live.delete(id),
  }).enable();
  return followed(live, hook);
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

/**
 * The environment that gives upstream and every model's service any free port (`0`): never a
 * contract port, which a person's own run may hold.
 */
export function anyFreePorts(): NodeJS.ProcessEnv {
  return {
    UPSTREAM_PORT: '0',
    ...Object.fromEntries(MODELS.map(({ model }) => [`${model.toUpperCase()}_PORT`, '0'])),
  };
}

/** How a command `signalWhileStarting` signalled ended, and what it left running. */
export interface SignalledStart {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** The processes seen below it while it ran that still run once it has exited. */
  left: number[];
}

/**
 * Runs `node <args>`, a command that starts every model's service (`lab up`, `observe`), on
 * any free ports with WORKERS 1, and sends it SIGTERM (Ctrl-C's SIGINT is handled the same)
 * while its services are still starting: upstream and async-service up, threads-service (the
 * second model) held before it can listen by a module preloaded into every process of the run.
 * The hold ends after the signal: were the abort lost, the start would go on, and the command
 * would stay up and the services with it. Resolves once the command has exited; whatever
 * happened, nothing it started outlives the call. `folder` holds the preloaded module.
 */
export async function signalWhileStarting(
  args: readonly string[],
  folder: string,
  env: NodeJS.ProcessEnv = {},
): Promise<SignalledStart> {
  const go = join(folder, 'go');
  const hold = join(folder, 'hold-threads.js');
  writeFileSync(
    hold,
    `if (process.argv[1]?.endsWith(${JSON.stringify(join('threads-service', 'dist', 'main.js'))}))
  while (!require('node:fs').existsSync(${JSON.stringify(go)}))
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);\n`,
  );
  const command = spawn(process.execPath, args, {
    env: {
      ...process.env,
      NODE_OPTIONS: `--require ${hold}`,
      WORKERS: '1',
      ...anyFreePorts(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  command.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  command.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  let exited = false;
  const exit = once(command, 'exit').then((status) => {
    exited = true;
    return status as [number | null, NodeJS.Signals | null];
  });
  // Every process below it, as long as it runs: what must be gone once it has exited.
  const seen = new Set<number>();
  const below = () => {
    const tree = processTree(command.pid ?? -1) ?? [];
    for (const pid of tree.slice(1)) seen.add(pid);
    return tree.length - 1;
  };
  try {
    await until(() => below() === 3, {
      what: 'upstream and async-service up, threads-service starting',
      timeoutMs: 30_000,
      detail: () => `it printed:\n${stderr}`,
    });
    command.kill('SIGTERM');
    writeFileSync(go, '');
    await until(
      () => {
        below();
        return exited;
      },
      { what: 'the command to exit', timeoutMs: 50_000, everyMs: 20 },
    );
    const [code, signal] = await exit;
    return { code, signal, stdout, stderr, left: [...seen].filter(isAlive) };
  } finally {
    // What a failed run left: the command, and services it orphaned.
    command.kill('SIGKILL');
    for (const pid of [...seen].filter(isAlive)) process.kill(pid, 'SIGKILL');
  }
}

/**
 * In the describe block that calls it: the environment variable `name` is `value` for its tests
 * (set in a `beforeAll` registered here, so before the hooks registered after this call) and as
 * it was after them — unset again when it was unset. For what a module reads from the
 * environment when it runs, not when it loads (the operator's `LAB_WORKLOAD`, read by each
 * runner and pool thread).
 */
export function useEnv(name: string, value: string): void {
  let saved: string | undefined;
  beforeAll(() => {
    saved = process.env[name];
    process.env[name] = value;
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
  });
}

/**
 * Whether the object `ref` points at is garbage-collected once nothing holds it, for a test that
 * something let go of it: a full collection every `pauseMs` (the events that release it, such
 * as a socket's close, run in between), up to `rounds`; true at the first round it is gone.
 * Turns V8's `gc` on in this process (`--expose-gc`), where it stays for the later tests.
 */
export async function collected(ref: WeakRef<object>, rounds = 50, pauseMs = 10): Promise<boolean> {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  for (let n = 0; n < rounds && ref.deref() !== undefined; n++) {
    await sleep(pauseMs);
    gc();
  }
  return ref.deref() === undefined;
}

export { findMachineTool, machineToolOrSkip, whyMissing, type MachineTool } from './machine-tool';
export { close, closedUrl, holdPort, listen, type HeldPort } from './loopback';
