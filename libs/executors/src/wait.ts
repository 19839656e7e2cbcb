import { futuresArgument, removeDoneCallback, type Future } from './future';
import { choiceOption, optionsObject, timeoutOption } from './option-validation';

export const FIRST_COMPLETED = 'FIRST_COMPLETED';
export const FIRST_EXCEPTION = 'FIRST_EXCEPTION';
export const ALL_COMPLETED = 'ALL_COMPLETED';
export type ReturnWhen = typeof FIRST_COMPLETED | typeof FIRST_EXCEPTION | typeof ALL_COMPLETED;
const RETURN_WHEN: readonly ReturnWhen[] = [FIRST_COMPLETED, FIRST_EXCEPTION, ALL_COMPLETED];

export interface WaitForOptions {
  /**
   * Return after this many milliseconds with whatever is done by then (no error, as Python).
   * At most 2^31 - 1 (a timer's limit); `Infinity` is no limit, as `undefined` is.
   * @default undefined (no limit)
   */
  timeout?: number;
  /**
   * FIRST_COMPLETED: when any future is done. FIRST_EXCEPTION: when any finishes with an error
   * (a cancelled one does not count), or else when all are done. ALL_COMPLETED: when all are done.
   * @default ALL_COMPLETED
   */
  returnWhen?: ReturnWhen;
}

export interface DoneAndNotDone<T> {
  done: Set<Future<T>>;
  notDone: Set<Future<T>>;
}

/**
 * Python's `concurrent.futures.wait`: resolves once the `returnWhen` condition holds or the
 * timeout passes, with the futures split into done and not done. Never rejects on timeout.
 */
export function wait<T>(
  futures: Iterable<Future<T>>,
  options?: WaitForOptions,
): Promise<DoneAndNotDone<T>> {
  const { timeout: timeoutValue, returnWhen: returnWhenValue } = optionsObject(options);
  const timeout = timeoutOption('timeout', timeoutValue);
  const returnWhen = choiceOption('returnWhen', returnWhenValue, RETURN_WHEN, ALL_COMPLETED);
  const all = futuresArgument(futures); // read once, a repeat counted once
  const enough = (future: Future<T>): boolean =>
    returnWhen === FIRST_COMPLETED || (returnWhen === FIRST_EXCEPTION && future.failed());
  const split = (): DoneAndNotDone<T> => {
    const result: DoneAndNotDone<T> = { done: new Set(), notDone: new Set() };
    for (const future of all) (future.done() ? result.done : result.notDone).add(future);
    return result;
  };
  let remaining = 0;
  for (const future of all) {
    if (!future.done()) remaining++;
    else if (enough(future)) return Promise.resolve(split());
  }
  if (remaining === 0) return Promise.resolve(split());
  return new Promise((resolve) => {
    let finished = false;
    let timer: NodeJS.Timeout | undefined;
    const settle = (): void => {
      finished = true;
      clearTimeout(timer);
      // Take our callback back from the futures still pending (after a timeout or a FIRST_*
      // return): a caller polling `wait` on a long task must not pile them up on it.
      for (const future of all) if (!future.done()) removeDoneCallback(future, onDone);
      resolve(split());
    };
    const onDone = (future: Future<T>): void => {
      if (finished) return;
      remaining--;
      if (remaining === 0 || enough(future)) settle();
    };
    for (const future of all) if (!future.done()) future.addDoneCallback(onDone);
    if (timeout !== undefined) timer = setTimeout(settle, timeout);
  });
}
