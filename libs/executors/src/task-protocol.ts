/**
 * What crosses the boundary between the executor and a worker, both ways. Short keys: every
 * task pays for these bytes, and a process pool serializes them on each send.
 *
 * Errors travel as values (`SerializedError`): structured clone (threads, and `serialization:
 * 'advanced'` for processes) keeps an Error's message, stack and cause, but drops `code` and
 * every other own property, turns a subclass, an AggregateError, a DOMException or a custom
 * `name` into plain Error, and loses an AggregateError's `errors` (see @concurrency-lab/errors).
 * The worker flattens the error, noting its built-in class when its name does not say it;
 * `rebuildError` makes a real error of it again (a DOMException, the built-in a subclass
 * extends), as this library's own class when it has one.
 */
import {
  rebuildError as rebuildSerializedError,
  serializeError,
  type SerializedError,
} from '@concurrency-lab/errors';
import { EXECUTOR_ERRORS, type ExecutorErrorClass } from './errors';

export { serializeError, type SerializedError };

/** One call of an exported function: with one argument (`a`), or once per item of a chunk (`c`). */
export interface TaskRequest {
  /** The exported function's name. */
  readonly n: string;
  readonly a?: unknown;
  /** A chunk of arguments (`map` with `chunksize` > 1): the answer is the array of results. */
  readonly c?: readonly unknown[];
}

export type TaskResponse =
  | { readonly ok: true; readonly v: unknown }
  /**
   * For a chunk, `v` holds the results of the items before the failing one. `i`: the task never
   * ran — the worker's initializer failed (`e` is its error), or the pool had broken before the
   * task started (a thread refuses it).
   */
  | {
      readonly ok: false;
      readonly e: SerializedError;
      readonly v?: readonly unknown[];
      readonly i?: true;
    };

/** What every worker runs once before its first task (Python's `initializer`, `initargs`). */
export interface WorkerSetup {
  /** The exported function's name. */
  readonly initializer: string;
  readonly initargs?: unknown;
}

/** The first message a child process gets when its executor has an initializer. */
export interface SetupMessage {
  readonly s: WorkerSetup;
}

/**
 * The key of every message a worker sends its pool outside piscina's own protocol: a child's
 * answers, and the "up" / "initializer failed" notes of threads and children. Anything else a
 * task sends (`process.send(...)`, `parentPort.postMessage(...)`) lacks it and is ignored.
 */
export const WORKER_MESSAGE = '@concurrency-lab/executors';

/**
 * What a worker tells its pool besides answers: `up` once it can take tasks (its initializer, if
 * any, has finished), or `init-failed` with the error its initializer threw or rejected with.
 * A worker that exits before either never came up: the pool is broken.
 */
export type WorkerStatus =
  | { readonly [WORKER_MESSAGE]: 'up' }
  | { readonly [WORKER_MESSAGE]: 'init-failed'; readonly e: SerializedError };

/** A child process's answer to its task, in the same envelope (a task's own messages lack it). */
export interface ChildAnswer {
  readonly [WORKER_MESSAGE]: 'answer';
  readonly r: TaskResponse;
}

/** What the pool reads from a worker: one of the messages above, or undefined for anything else. */
export function workerMessage(message: unknown): WorkerStatus | ChildAnswer | undefined {
  if (typeof message !== 'object' || message === null) return undefined;
  const kind = (message as Record<string, unknown>)[WORKER_MESSAGE];
  return kind === 'up' || kind === 'init-failed' || kind === 'answer'
    ? (message as WorkerStatus | ChildAnswer)
    : undefined;
}

/** Starts the message of the error a thread dies with when its result could not be cloned. */
export const DATA_CLONE_TAG = '[executors:data-clone]';

/** Where the results that a failed chunk did produce ride on its rebuilt error. */
export const kPartialResults = Symbol('executors.partialResults');

/** This library's own classes by code: an error it raised in a worker comes back as its class. */
const OWN_BY_CODE: ReadonlyMap<string, ExecutorErrorClass> = new Map(
  EXECUTOR_ERRORS.map((errorClass) => [errorClass.code, errorClass]),
);

/**
 * The task's error, as the caller sees it: one of this library's codes gets that class (so
 * `instanceof TaskNotFoundError`, `instanceof ExecutorError` hold on either pool), a DOMException
 * is one again, a built-in or a subclass of one is that built-in (`instanceof TypeError`), any
 * other is an Error; each keeps its `name`, and `code`, other properties, the worker's stack and
 * the `cause` and `errors` (rebuilt the same way) come along.
 */
export function rebuildError(serialized: SerializedError, partial?: readonly unknown[]): Error {
  const error = rebuildSerializedError(serialized, ownClass);
  if (partial) Object.defineProperty(error, kPartialResults, { value: partial });
  return error;
}

function ownClass(serialized: SerializedError): ExecutorErrorClass | undefined {
  return typeof serialized.code === 'string' ? OWN_BY_CODE.get(serialized.code) : undefined;
}
