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
   * At most 2^31 - 1 (a timer's limit); `Infinity` is no limit, as `undefined` is.
   * @default undefined (no limit)
   */
  timeout?: number;
  /**
   * Tasks (chunks) submitted ahead of the one being yielded: enough to keep every worker busy
   * while results are consumed, few enough that results do not pile up (Python 3.14's buffersize).
   * @default 2 * maxWorkers
   */
  buffersize?: number;
  /**
   * Aborting stops the iteration (it throws the reason) and cancels this map's tasks, interrupting
   * running ones.
   */
  signal?: AbortSignal;
}

/** What `mapInOrder` needs from an executor. */
export interface MapSource {
  readonly name: string;
  readonly maxWorkers: number;
  hasRoom(): boolean;
  submit(request: TaskRequest, signal?: AbortSignal): Future<unknown>;
  /** `giveUp` withdraws the wait for room (map's deadline); `signal` is the task's. */
  submitWhenReady(
    request: TaskRequest,
    signal?: AbortSignal,
    giveUp?: AbortSignal,
  ): Promise<Future<unknown>>;
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
 *   items ─▶ chunks ─▶ [ f0 f1 f2 ... ] ─▶ yield f0's results
 *                      (window, ≤ buffersize, in input order)
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
    syncInput: !isAsync(items),
    window: [],
    started: false,
    exhausted: false,
    chunksize,
    buffersize,
    timeout,
    deadline,
    signal,
    stop: new AbortController(),
  };
  if (state.syncInput) {
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
  // tasks submitted above are cancelled here then. A return() made while the body waits for the
  // input (or for queue room) would queue behind that wait, for ever if the input never yields:
  // `stop` ends the wait, the body returns, and the pending next() and the return() end done.
  // throw() (what `yield*` forwards) closes it the same way, then rejects with its error.
  const leave = (): void => {
    if (!state.started) void close(state);
    state.stop.abort(STOPPED);
  };
  const closeGenerator = generator.return.bind(generator);
  const throwInto = generator.throw.bind(generator);
  generator.return = (value) => {
    leave();
    return closeGenerator(value);
  };
  generator.throw = (error) => {
    leave();
    return throwInto(error);
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
  /** The input is a sync iterable (read without awaiting). */
  readonly syncInput: boolean;
  /** A read of the async input not settled yet (see `close`). */
  reading?: Promise<IteratorResult<unknown[]>> | undefined;
  exhausted: boolean;
  readonly chunksize: number;
  readonly buffersize: number;
  readonly timeout: number | undefined;
  readonly deadline: number | undefined;
  readonly signal: AbortSignal | undefined;
  /** Aborted by the iterator's return(): ends a wait of `untilDeadline` with {@link STOPPED}. */
  readonly stop: AbortController;
}

/** What a wait of `untilDeadline` rejects with when the consumer left: the body then returns. */
const STOPPED = new Error('map() stopped: its consumer called return()');

async function* iterate<R>(state: MapState): AsyncGenerator<R, void, undefined> {
  const { source, window, chunksize, buffersize, timeout, deadline, signal } = state;
  state.started = true;
  try {
    for (;;) {
      signal?.throwIfAborted();
      while (!state.exhausted && window.length < buffersize) {
        // With results to yield, never block on a full queue: the head finishing makes room.
        if (window.length > 0 && !source.hasRoom()) break;
        // A sync input answers at once; an async one may take any time, against the deadline.
        const next = state.syncInput
          ? (state.chunks as Iterator<unknown[]>).next()
          : await untilDeadline(state, () => {
              state.reading = (state.chunks as AsyncIterator<unknown[]>).next();
              return state.reading;
            });
        state.reading = undefined;
        if (next.done === true) {
          state.exhausted = true;
          break;
        }
        const request = state.request(next.value);
        window.push(
          source.hasRoom()
            ? source.submit(request, signal)
            : await untilDeadline(state, (giveUp) =>
                source.submitWhenReady(request, signal, giveUp),
              ),
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
        // The wait gave up (the head is not done); a task's own ERR_EXECUTOR_TIMEOUT (a future
        // it waited on inside the worker) is its error, thrown below like any other.
        if (error instanceof TimeoutError && !head.done()) {
          throw new TimeoutError('map()', timeout ?? 0);
        }
        window.shift();
        const partial = (error as { [kPartialResults]?: unknown[] })[kPartialResults];
        if (partial) yield* partial as R[];
        throw error;
      }
      window.shift();
      if (chunksize === 1) yield value as R;
      else yield* value as R[];
    }
  } catch (error) {
    if (error !== STOPPED) throw error;
  } finally {
    // The head stays in the window until its result is in: a timeout cancels it too.
    await close(state);
  }
}

/**
 * Cancels what is still in the window (running tasks go on) and closes the items' iterator.
 * With a read still pending (the map gave up on it: deadline, abort, the consumer's return()),
 * the iterator is closed once that read settles, and not awaited; what the read answers is
 * dropped, never submitted. Sooner is impossible: an async generator queues return() behind
 * its pending next(), so an input suspended at an `await` runs its `finally` only once it
 * moves on (yields, returns or throws), and one that never does is never closed.
 */
function close(state: MapState): Promise<unknown> | undefined {
  for (const future of state.window.splice(0)) future.cancel();
  state.exhausted = true;
  const { reading } = state;
  if (reading) {
    const closeLater = () => state.chunks.return?.();
    reading.then(closeLater, closeLater).catch(() => undefined);
    return undefined;
  }
  return state.chunks.return?.() as Promise<unknown> | undefined;
}

/**
 * Awaits what `start` begins against the map's deadline and signal (only reads of an async
 * input and waits for queue room need this: a result wait has its own timeout): it rejects
 * with `ERR_EXECUTOR_TIMEOUT` at the deadline, or with the signal's reason, as the head's
 * result wait does, or with {@link STOPPED} once the consumer called return(). `giveUp` is
 * aborted then, so what `start` began can withdraw; what it settles with afterwards is dropped.
 */
async function untilDeadline<T>(
  state: MapState,
  start: (giveUp: AbortSignal) => Promise<T>,
): Promise<T> {
  const { deadline, timeout, signal, stop } = state;
  if (stop.signal.aborted) throw STOPPED;
  signal?.throwIfAborted();
  const remaining = deadline === undefined ? undefined : deadline - performance.now();
  if (remaining !== undefined && remaining <= 0) throw new TimeoutError('map()', timeout ?? 0);
  const giveUp = new AbortController();
  const onAbort = () => giveUp.abort(signal?.reason);
  const onStop = () => giveUp.abort(STOPPED);
  signal?.addEventListener('abort', onAbort, { once: true });
  stop.signal.addEventListener('abort', onStop, { once: true });
  const timer =
    remaining === undefined
      ? undefined
      : setTimeout(() => giveUp.abort(new TimeoutError('map()', timeout ?? 0)), remaining);
  try {
    const begun = start(giveUp.signal);
    begun.catch(() => undefined); // the loser of the race below: its rejection is not news
    return await Promise.race([
      begun,
      new Promise<never>((_, reject) => {
        giveUp.signal.addEventListener('abort', () => reject(giveUp.signal.reason as Error), {
          once: true,
        });
      }),
    ]);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    stop.signal.removeEventListener('abort', onStop);
  }
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
