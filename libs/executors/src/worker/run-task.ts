import type { TransferListItem } from 'node:worker_threads';
/**
 * Runs one request against the task module, in whichever worker we are (thread or process):
 * loads the module once, calls the named export, and answers with a `TaskResponse` — never
 * throws, so a task's error is a value the caller can rebuild with its code.
 */
import { pathToFileURL } from 'node:url';
import { TaskNotFoundError } from '../errors';
import {
  serializeError,
  type TaskRequest,
  type TaskResponse,
  type WorkerSetup,
} from '../task-protocol';
import { unwrapTransfer } from '../transfer';

type TaskFunction = (argument: unknown) => unknown;

let loaded: Promise<unknown> | undefined;
const functions = new Map<string, TaskFunction>();

/** CommonJS and synchronous ESM load with `require`; ESM with top-level await needs `import()`. */
async function load(filename: string): Promise<unknown> {
  try {
    return require(filename) as unknown;
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ERR_REQUIRE_ASYNC_MODULE') throw error;
    return (await import(pathToFileURL(filename).href)) as unknown;
  }
}

async function resolve(filename: string, name: string): Promise<TaskFunction> {
  const cached = functions.get(name);
  if (cached) return cached;
  const module = (await (loaded ??= load(filename))) as Record<string, unknown> | TaskFunction;
  // `module.exports = fn` (CommonJS) is the default export.
  const found =
    name === 'default' && typeof module === 'function'
      ? module
      : (module as Record<string, unknown>)[name];
  if (typeof found !== 'function') {
    throw new TaskNotFoundError(
      `Expected ${filename} to export a function \`${name}\`, got ${typeof found}`,
    );
  }
  functions.set(name, found as TaskFunction);
  return found as TaskFunction;
}

/** The initializer's run in this worker, started as soon as the worker knows it. */
let initialized: Promise<unknown> | undefined;

/**
 * Starts the initializer at once, as Python does at a worker's start, and settles when it has
 * (at once without one). The entry tells its pool the outcome: `up`, or `init-failed` with the
 * error, which breaks the executor. Every task answers with that error too (`i`), in case one
 * was handed to this worker before the pool heard.
 */
export function initializeWorker(
  filename: string,
  setup: WorkerSetup | undefined,
): Promise<unknown> {
  if (!setup) return Promise.resolve();
  initialized = resolve(filename, setup.initializer).then((initializer) =>
    initializer(setup.initargs),
  );
  // The same promise, not one derived from it: the caller's reaction runs before a task's.
  return initialized;
}

export interface TaskOutcome {
  readonly response: TaskResponse;
  /** Buffers the task asked to move back (`transfer()`); meaningful only on a thread. */
  readonly transferList: TransferListItem[];
}

export async function runTask(filename: string, request: TaskRequest): Promise<TaskOutcome> {
  const transferList: TransferListItem[] = [];
  const results: unknown[] = [];
  if (initialized) {
    try {
      await initialized;
    } catch (error) {
      return { response: { ok: false, e: serializeError(error), i: true }, transferList };
    }
  }
  try {
    const task = await resolve(filename, request.n);
    if (request.c === undefined) {
      const value = unwrapTransfer(await task(request.a), transferList);
      return { response: { ok: true, v: value }, transferList };
    }
    for (const item of request.c) results.push(unwrapTransfer(await task(item), transferList));
    return { response: { ok: true, v: results }, transferList };
  } catch (error) {
    const e = serializeError(error);
    return {
      response: request.c === undefined ? { ok: false, e } : { ok: false, e, v: results },
      transferList,
    };
  }
}
