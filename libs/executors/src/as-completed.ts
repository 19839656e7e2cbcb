import { TimeoutError } from './errors';
import { futuresArgument, removeDoneCallback, type Future } from './future';
import { optionsObject, timeoutOption } from './option-validation';

export interface AsCompletedOptions {
  /**
   * Throw `ERR_EXECUTOR_TIMEOUT` from the iterator when this many milliseconds have passed since
   * the call to `asCompleted` and futures are still not done (they go on). Measured from the
   * call, as Python documents it and as `map` measures its own (CPython's `as_completed` is a
   * generator and in fact starts its clock at the first `next()`; here the call is the start).
   * At most 2^31 - 1 (a timer's limit); `Infinity` is no limit, as `undefined` is.
   * @default undefined (no limit)
   */
  timeout?: number;
}

/**
 * Python's `concurrent.futures.as_completed`: yields the futures (each once, duplicates
 * dropped) as they complete — those already done first, in the order given, then the others in
 * completion order. Cancelled futures count as completed.
 *
 * @example
 * for await (const future of asCompleted(futures, { timeout: 5_000 })) {
 *   console.log(await future.result());
 * }
 */
export function asCompleted<T>(
  futures: Iterable<Future<T>>,
  options?: AsCompletedOptions,
): AsyncGenerator<Future<T>, void, undefined> {
  // At the call, not at the first next(): the option is checked, the clock starts and the
  // futures are read now.
  const timeout = timeoutOption('timeout', optionsObject(options).timeout);
  const deadline = timeout === undefined ? undefined : performance.now() + timeout;
  return iterate(futuresArgument(futures), deadline, timeout);
}

async function* iterate<T>(
  futures: readonly Future<T>[],
  deadline: number | undefined,
  timeout: number | undefined,
): AsyncGenerator<Future<T>, void, undefined> {
  const pending = new Set<Future<T>>();
  const finished: Future<T>[] = [];
  for (const future of futures) {
    if (future.done()) finished.push(future);
    else pending.add(future);
  }
  // Completed futures land in `ready`; `wake` resolves the one wait in progress, if any.
  const ready: Future<T>[] = [];
  let wake: (() => void) | undefined;
  let closed = false;
  // One callback for all (it is handed its future), taken back from those still pending when the
  // iteration ends: a timeout, an error, or the caller leaving early (`break`).
  const onDone = (future: Future<T>): void => {
    if (closed) return;
    ready.push(future);
    wake?.();
  };
  for (const future of pending) future.addDoneCallback(onDone);
  try {
    yield* finished;
    // `ready` is read by index, so a future completing while we are suspended in a `yield`
    // simply appends to it.
    let next = 0;
    while (next < pending.size) {
      if (next === ready.length) {
        const left = pending.size - next;
        await nextCompletion(deadline, timeout, left, (resolve) => (wake = resolve));
        wake = undefined;
      }
      while (next < ready.length) yield ready[next++] as Future<T>;
    }
  } finally {
    closed = true;
    for (const future of pending) if (!future.done()) removeDoneCallback(future, onDone);
  }
}

/** Waits for the next completion, or rejects with a timeout at the deadline. */
function nextCompletion(
  deadline: number | undefined,
  timeout: number | undefined,
  left: number,
  setWake: (wake: () => void) => void,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let timer: NodeJS.Timeout | undefined;
    if (deadline !== undefined) {
      timer = setTimeout(
        () => reject(new TimeoutError(`${left} of the futures`, timeout ?? 0)),
        Math.max(0, deadline - performance.now()),
      );
    }
    setWake(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}
