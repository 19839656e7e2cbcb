/**
 * What crosses the boundary between the executor and a worker, both ways. Short keys: every
 * task pays for these bytes, and a process pool serializes them on each send.
 *
 * Errors travel as values: structured clone (threads, and `serialization: 'advanced'` for
 * processes) keeps an Error's message and stack but drops `code` and every other own property,
 * and turns a custom `name` into plain `Error`. The worker flattens the error; `rebuildError`
 * makes a real Error of it again.
 */

/** One call of an exported function: with one argument (`a`), or once per item of a chunk (`c`). */
export interface TaskRequest {
  /** The exported function's name. */
  readonly n: string;
  readonly a?: unknown;
  /** A chunk of arguments (`map` with `chunksize` > 1): the answer is the array of results. */
  readonly c?: readonly unknown[];
}

export interface SerializedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly code?: string | number;
  /** Other own primitive properties (errno, syscall, path, ...). */
  readonly props?: Readonly<Record<string, string | number | boolean | null>>;
}

export type TaskResponse =
  | { readonly ok: true; readonly v: unknown }
  /**
   * For a chunk, `v` holds the results of the items before the failing one. `i`: the worker's
   * initializer failed (`e` is its error) and the task never ran.
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

/** Starts the message of the error a thread dies with when its result could not be cloned. */
export const DATA_CLONE_TAG = '[executors:data-clone]';

/** Where the results that a failed chunk did produce ride on its rebuilt error. */
export const kPartialResults = Symbol('executors.partialResults');

export function serializeError(thrown: unknown): SerializedError {
  if (!(thrown instanceof Error)) {
    return { name: 'Error', message: `non-Error thrown: ${String(thrown)}` };
  }
  const { name, message, stack } = thrown;
  const code = (thrown as { code?: unknown }).code;
  let props: Record<string, string | number | boolean | null> | undefined;
  for (const [key, value] of Object.entries(thrown)) {
    if (key === 'code' || key === 'name' || key === 'message' || key === 'stack') continue;
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
      (props ??= {})[key] = value as string | number | boolean | null;
    }
  }
  return {
    name: String(name),
    message: String(message),
    ...(stack !== undefined ? { stack } : {}),
    ...(typeof code === 'string' || typeof code === 'number' ? { code } : {}),
    ...(props ? { props } : {}),
  };
}

const BUILT_IN: Readonly<Record<string, ErrorConstructor>> = {
  Error,
  TypeError,
  RangeError,
  SyntaxError,
  ReferenceError,
  EvalError,
  URIError,
};

/**
 * The task's error, as the caller sees it: a built-in name gets its own class (so `instanceof
 * TypeError` holds), any other keeps its `name`; `code`, other properties and the worker's stack
 * come along.
 */
export function rebuildError(serialized: SerializedError, partial?: readonly unknown[]): Error {
  const ErrorClass = Object.hasOwn(BUILT_IN, serialized.name) ? BUILT_IN[serialized.name] : Error;
  const error = new (ErrorClass ?? Error)(serialized.message) as Error & Record<string, unknown>;
  if (error.name !== serialized.name) {
    Object.defineProperty(error, 'name', {
      value: serialized.name,
      configurable: true,
      writable: true,
    });
  }
  if (serialized.stack !== undefined) error.stack = serialized.stack;
  if (serialized.props) Object.assign(error, serialized.props);
  if (serialized.code !== undefined) error['code'] = serialized.code;
  if (partial) Object.defineProperty(error, kPartialResults, { value: partial });
  return error;
}
