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
   * milliseconds after `map` was called (Python: measured from the original call).
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
 * yet running are cancelled, as Python's `map` does.
 *
 *   items ─▶ chunks ─▶ [ f0 f1 f2 ... ] (window, ≤ buffersize, in input order) ─▶ yield f0's results
 */
export async function* mapInOrder<R>(
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
  const chunks = chunked(items, chunksize);
  const window: Future<unknown>[] = [];
  let exhausted = false;
  try {
    for (;;) {
      signal?.throwIfAborted();
      while (!exhausted && window.length < buffersize) {
        // With results to yield, never block on a full queue: the head finishing makes room.
        if (window.length > 0 && !source.hasRoom()) break;
        const next = await chunks.next();
        if (next.done === true) {
          exhausted = true;
          break;
        }
        const request: TaskRequest =
          chunksize === 1 ? { n: name, a: next.value[0] } : { n: name, c: next.value };
        window.push(
          source.hasRoom()
            ? source.submit(request, signal)
            : await source.submitWhenReady(request, signal),
        );
      }
      const head = window.shift();
      if (!head) return;
      const remaining =
        deadline === undefined ? undefined : Math.max(0, deadline - performance.now());
      let value: unknown;
      try {
        value = await head.result(remaining === undefined ? {} : { timeout: remaining });
      } catch (error) {
        if (error instanceof TimeoutError) throw new TimeoutError('map()', timeout ?? 0);
        const partial = (error as { [kPartialResults]?: unknown[] })[kPartialResults];
        if (partial) yield* partial as R[];
        throw error;
      }
      if (chunksize === 1) yield value as R;
      else yield* value as R[];
    }
  } finally {
    for (const future of window) future.cancel();
    await chunks.return?.();
  }
}

/** Arrays of up to `size` items, from a sync or async iterable. */
async function* chunked(
  items: Iterable<unknown> | AsyncIterable<unknown>,
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
