import { TimeoutError } from './errors';
import type { Future } from './future';
import { integerOption, nameOption, signalOption, timeoutOption } from './option-validation';
import { kPartialResults, type TaskRequest } from './task-protocol';

export interface MapOptions {
  /** The exported function to call on each item. @default the executor's `name` */
  name?: string;
  /**
   * Items per task: the worker calls the function on each and answers with all the results in
   * one message. Larger chunks cut the per-task cost (dear for processes), smaller ones spread
   * uneven work better.
   * @default 1
   */
  chunksize?: number;
  /**
   * Throw `ERR_EXECUTOR_TIMEOUT` from the iterator if the next result is not ready this many
   * milliseconds after `map` was called (measured from the call, as Python's: not from the
   * first `next()`). The tasks still waiting for a worker are then cancelled; running ones go on.
   * @default undefined (no limit)
   */
  timeout?: number;
  /**
   * Tasks (chunks) submitted ahead of the one being yielded: enough to keep every worker busy
   * while results are consumed, few enough that results do not pile up (Python 3.14's buffersize).
   * @default 2 * maxWorkers
   */
  buffersize?: number;
  /** Aborting stops the iteration (it throws the reason) and cancels this map's tasks, interrupting running ones. */
  signal?: AbortSignal;
}

/** What `mapInOrder` needs from an executor. */
export interface MapSource {
  readonly name: string;
  readonly maxWorkers: number;
  hasRoom(): boolean;
  submit(request: TaskRequest, signal?: AbortSignal): Future<unknown>;
  submitWhenReady(request: TaskRequest, signal?: AbortSignal): Promise<Future<unknown>>;
}

/**
 * Submits one task per item (or per chunk) while the window has room, and yields results in
 * input order. On an error, a timeout, or the consumer leaving early (`break`), the tasks not
 * yet running are cancelled — the one whose result was awaited included — as Python's `map`
 * (`_result_or_cancel`) does.
 *
 * Like Python's `map`, a plain function: the options are checked, the timeout's clock starts
 * and the first window of a sync iterable is submitted at the call; the iterator it returns
 * only reads. (An async iterable can only be read asynchronously: its items are submitted from
 * the first `next()`, still against the deadline set at the call.)
 *
 *   items ─▶ chunks ─▶ [ f0 f1 f2 ... ] (window, ≤ buffersize, in input order) ─▶ yield f0's results
 */
export function mapInOrder<R>(
  source: MapSource,
  items: Iterable<unknown> | AsyncIterable<unknown>,
  options: MapOptions,
): AsyncGenerator<R, void, undefined> {
  const name = nameOption('name', options.name, source.name);
  const chunksize = integerOption('chunksize', options.chunksize, 1, 1);
  const timeout = timeoutOption('timeout', options.timeout);
  const buffersize = integerOption('buffersize', options.buffersize, 1, 2 * source.maxWorkers);
  const signal = signalOption(options.signal);
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  const state: MapState = {
    source,
    request: (chunk) => (chunksize === 1 ? { n: name, a: chunk[0] } : { n: name, c: chunk }),
    chunks: chunked(items, chunksize),
    window: [],
    started: false,
    exhausted: false,
    chunksize,
    buffersize,
    timeout,
    deadline,
    signal,
  };
  if (!isAsync(items)) {
    try {
      // Never waits: submits only while there is room (a full queue waits for the first next()).
      while (!state.exhausted && state.window.length < buffersize && source.hasRoom()) {
        const next = (state.chunks as Iterator<unknown[]>).next();
        if (next.done === true) state.exhausted = true;
        else state.window.push(source.submit(state.request(next.value), signal));
      }
    } catch (error) {
      // The executor refused (shut down, broken) or the iterable threw: nothing is left running.
      void close(state);
      throw error;
    }
  }
  const generator = iterate<R>(state);
  // A generator closed before its first next() never runs its body, nor so its `finally`: the
  // tasks submitted above are cancelled here then.
  const closeGenerator = generator.return.bind(generator);
  generator.return = (value) => {
    if (!state.started) void close(state);
    return closeGenerator(value);
  };
  return generator;
}

interface MapState {
  readonly source: MapSource;
  readonly request: (chunk: unknown[]) => TaskRequest;
  /** Sync for a sync iterable (read at the call), async otherwise. */
  readonly chunks: Iterator<unknown[]> | AsyncIterator<unknown[]>;
  readonly window: Future<unknown>[];
  /** The iteration began (its first next() runs the body at once). */
  started: boolean;
  exhausted: boolean;
  readonly chunksize: number;
  readonly buffersize: number;
  readonly timeout: number | undefined;
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
}

async function* iterate<R>(state: MapState): AsyncGenerator<R, void, undefined> {
  const { source, window, chunksize, buffersize, timeout, deadline, signal } = state;
  state.started = true;
  try {
    for (;;) {
      signal?.throwIfAborted();
      while (!state.exhausted && window.length < buffersize) {
        // With results to yield, never block on a full queue: the head finishing makes room.
        if (window.length > 0 && !source.hasRoom()) break;
        const next = await state.chunks.next();
        if (next.done === true) {
          state.exhausted = true;
          break;
        }
        const request = state.request(next.value);
        window.push(
          source.hasRoom()
            ? source.submit(request, signal)
            : await source.submitWhenReady(request, signal),
        );
      }
      const head = window[0];
      if (!head) return;
      const remaining =
        deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
      let value: unknown;
      try {
        value = await head.result(remaining === undefined ? {} : { timeout: remaining });
      } catch (error) {
        if (error instanceof TimeoutError) throw new TimeoutError('map()', timeout ?? 0);
        window.shift();
        const partial = (error as { [kPartialResults]?: unknown[] })[kPartialResults];
        if (partial) yield* partial as R[];
        throw error;
      }
      window.shift();
      if (chunksize === 1) yield value as R;
      else yield* value as R[];
    }
  } finally {
    // The head stays in the window until its result is in: a timeout cancels it too.
    await close(state);
  }
}

/** Cancels what is still in the window (running tasks go on) and closes the items' iterator. */
function close(state: MapState): Promise<unknown> | undefined {
  for (const future of state.window.splice(0)) future.cancel();
  state.exhausted = true;
  return state.chunks.return?.() as Promise<unknown> | undefined;
}

function isAsync(
  items: Iterable<unknown> | AsyncIterable<unknown>,
): items is AsyncIterable<unknown> {
  return typeof (items as Partial<AsyncIterable<unknown>>)[Symbol.asyncIterator] === 'function';
}

/** Arrays of up to `size` items: a sync iterator for a sync iterable, an async one otherwise. */
function chunked(
  items: Iterable<unknown> | AsyncIterable<unknown>,
  size: number,
): Iterator<unknown[]> | AsyncIterator<unknown[]> {
  return isAsync(items) ? chunkedAsync(items, size) : chunkedSync(items, size);
}

function* chunkedSync(
  items: Iterable<unknown>,
  size: number,
): Generator<unknown[], void, undefined> {
  let chunk: unknown[] = [];
  for (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

async function* chunkedAsync(
  items: AsyncIterable<unknown>,
  size: number,
): AsyncGenerator<unknown[], void, undefined> {
  let chunk: unknown[] = [];
  for await (const item of items) {
    chunk.push(item);
    if (chunk.length === size) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}
