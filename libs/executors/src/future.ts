import { performance } from 'node:perf_hooks';
import { CancelledError, InvalidStateError, TimeoutError } from './errors';
import {
  booleanOption,
  functionArgument,
  iterableArgument,
  optionsObject,
  timeoutOption,
  validate,
} from './option-validation';
import { reportThrow } from './report-throw';

/**
 * Python's states: PENDING → RUNNING → FINISHED, or PENDING → CANCELLED (RUNNING → CANCELLED only
 * when interrupted).
 */
export type FutureState = 'PENDING' | 'RUNNING' | 'FINISHED' | 'CANCELLED';

export interface WaitOptions {
  /**
   * Give up waiting after this many milliseconds (rejects `ERR_EXECUTOR_TIMEOUT`). The task is
   * not cancelled, as in Python: wait again, or `cancel()` it. At most 2^31 - 1 (a timer's
   * limit); `Infinity` waits as long as it takes, as `undefined` does.
   * @default undefined (wait as long as it takes)
   */
  timeout?: number;
}

export interface CancelOptions {
  /**
   * Also stop a task that is already running, by terminating its worker (which the pool replaces).
   * Without it a running task is never interrupted and `cancel()` returns false, as in Python.
   * @default false
   */
  interrupt?: boolean;
}

export type DoneCallback<T> = (future: Future<T>) => void;

// Module-internal hooks into a future's private listener list, set by the class's static block
// (only the class can reach its private fields). `wait()` and `asCompleted()` import them; the
// package index does not re-export them, so the public Future is unchanged.
let forgetCallback: (future: Future<never>, callback: DoneCallback<never>) => void;
let countListeners: (future: Future<never>) => number;

/**
 * Drops one registration of `callback` from a future that is not done yet (a wait that gave up
 * or settled otherwise), so nothing of it stays with the future. No-op when it is not there.
 * @internal for wait() and asCompleted().
 */
export function removeDoneCallback<T>(future: Future<T>, callback: DoneCallback<T>): void {
  forgetCallback(future as Future<never>, callback);
}

/**
 * The futures `wait` and `asCompleted` are given, read once (a repeat counts once), each checked
 * to be a Future: Python's `wait` raises a TypeError for `None` where an empty answer would hide
 * the mistake.
 * @internal for wait() and asCompleted().
 */
export function futuresArgument<T>(value: Iterable<Future<T>>): Future<T>[] {
  iterableArgument('futures', value, false);
  const futures = [...new Set(value)];
  const stranger = futures.findIndex((future) => !((future as unknown) instanceof Future));
  if (stranger !== -1) validate.fail(`futures[${stranger}]`, 'a Future', futures[stranger]);
  return futures;
}

/**
 * How many done-callbacks and pending `result()`/`exception()` waits the future holds.
 * @internal for tests only (the leak checks): not exported from the package.
 */
export function listenerCountForTests(future: Future<unknown>): number {
  return countListeners(future as Future<never>);
}

/**
 * The eventual result of one task — Python's `concurrent.futures.Future`, awaited instead of
 * blocked on. Kept small: a task costs one of these, and listeners or a promise are only
 * allocated when somebody waits.
 *
 * `setRunningOrNotifyCancel`, `setResult` and `setException` are for executors and tests, as in
 * Python; everything else is for the caller.
 */
export class Future<T = unknown> {
  #state: FutureState = 'PENDING';
  // Stored without T: private fields take part in type compatibility, and a Future<string> must
  // be usable where a Future<unknown> is expected (wait, asCompleted).
  #value: unknown;
  /** The task's error, or the cancellation reason. */
  #error: unknown;
  #failed = false;
  #listeners: Array<(future: never) => void> | undefined;
  #startedAt: number | undefined;

  static {
    forgetCallback = (future, callback) => future.#forget(callback);
    countListeners = (future) => future.#listeners?.length ?? 0;
  }

  get state(): FutureState {
    return this.#state;
  }

  /**
   * Epoch ms when the task started running (its worker took it: `setRunningOrNotifyCancel`);
   * undefined while it waits, and for a task that never ran. Not in Python's Future: a caller
   * that measures the wait of a task cancelled or lost mid-run needs to know where it ended.
   */
  get startedAt(): number | undefined {
    return this.#startedAt;
  }

  /** True while the task runs (its worker has it). */
  running(): boolean {
    return this.#state === 'RUNNING';
  }

  cancelled(): boolean {
    return this.#state === 'CANCELLED';
  }

  /**
   * Finished with an error of the task's own (or a crash); false while pending, on success, on
   * cancel.
   */
  failed(): boolean {
    return this.#state === 'FINISHED' && this.#failed;
  }

  /** Finished or cancelled. */
  done(): boolean {
    return this.#state === 'FINISHED' || this.#state === 'CANCELLED';
  }

  /**
   * Cancels a pending task, which then never runs: true. A running or finished task: false (the
   * task goes on) — unless `interrupt` is set and it is running. Already cancelled: true.
   */
  cancel(options?: CancelOptions): boolean {
    const interrupt = booleanOption('interrupt', optionsObject(options).interrupt, false);
    if (this.#state === 'CANCELLED') return true;
    if (this.#state === 'FINISHED') return false;
    const running = this.#state === 'RUNNING';
    if (running && !interrupt) return false;
    if (!this.willCancel(running)) return false;
    this.#finish('CANCELLED', undefined, new CancelledError(), true);
    return true;
  }

  /**
   * Cancels with a given reason (an aborted signal's), interrupting a running task.
   * @internal for executors.
   */
  cancelWith(reason: unknown): boolean {
    if (this.done()) return this.#state === 'CANCELLED';
    if (!this.willCancel(this.#state === 'RUNNING')) return false;
    this.#finish('CANCELLED', undefined, reason, true);
    return true;
  }

  /**
   * Resolves with the task's value; rejects with its error, with the cancellation reason
   * (`ERR_EXECUTOR_CANCELLED`), or with `ERR_EXECUTOR_TIMEOUT` after `timeout` ms.
   */
  async result(options: WaitOptions = {}): Promise<T> {
    await this.#settled(options, 'result()');
    if (this.#failed) throw this.#error;
    return this.#value as T;
  }

  /**
   * Resolves with the task's error, or `undefined` when it succeeded. Rejects when the future
   * was cancelled (with the reason) or after `timeout` ms, as Python's `exception()` raises.
   */
  async exception(options: WaitOptions = {}): Promise<unknown> {
    await this.#settled(options, 'exception()');
    if (this.#state === 'CANCELLED') throw this.#error;
    return this.#failed ? this.#error : undefined;
  }

  /**
   * Calls `callback(future)` once when the future is done — at once if it already is. A
   * callback that throws is reported as a process warning (`ERR_EXECUTOR_CALLBACK_FAILED`).
   */
  addDoneCallback(callback: DoneCallback<T>): void {
    functionArgument('callback', callback);
    if (this.done()) {
      this.#call(callback);
      return;
    }
    (this.#listeners ??= []).push(callback);
  }

  /**
   * PENDING → RUNNING and true; false when the future was cancelled (the task must not run).
   * Python's `set_running_or_notify_cancel`.
   */
  setRunningOrNotifyCancel(): boolean {
    if (this.#state === 'CANCELLED') return false;
    if (this.#state !== 'PENDING') {
      throw new InvalidStateError(`Expected a PENDING future, got ${this.#state}`);
    }
    this.#state = 'RUNNING';
    this.#startedAt = performance.timeOrigin + performance.now();
    return true;
  }

  setResult(value: T): void {
    this.#finish('FINISHED', value, undefined, false);
  }

  setException(error: unknown): void {
    this.#finish('FINISHED', undefined, error, true);
  }

  /**
   * Asked before a cancellation takes effect; an executor overrides it to take a pending task
   * out of its queue (true) or interrupt a running one. A bare future cannot interrupt.
   */
  protected willCancel(running: boolean): boolean {
    return !running;
  }

  #finish(state: FutureState, value: unknown, error: unknown, failed: boolean): void {
    if (this.done()) throw new InvalidStateError(`The future is already ${this.#state}`);
    this.#state = state;
    this.#value = value;
    this.#error = error;
    this.#failed = failed;
    const listeners = this.#listeners;
    this.#listeners = undefined;
    if (listeners) for (const listener of listeners) this.#call(listener as DoneCallback<T>);
  }

  /** Drops the last registration of `listener` (the list is short: waits remove their own). */
  #forget(listener: (future: never) => void): void {
    const listeners = this.#listeners;
    if (listeners === undefined) return;
    const index = listeners.lastIndexOf(listener);
    if (index === -1) return;
    if (listeners.length === 1) this.#listeners = undefined;
    else listeners.splice(index, 1);
  }

  #call(callback: DoneCallback<T>): void {
    reportThrow(() => callback(this), 'a done-callback threw');
  }

  #settled(options: WaitOptions, what: string): Promise<void> | void {
    const timeout = timeoutOption('timeout', optionsObject(options).timeout);
    if (this.done()) return;
    return new Promise<void>((resolve, reject) => {
      const listeners = (this.#listeners ??= []);
      if (timeout === undefined) {
        listeners.push(() => resolve());
        return;
      }
      // A wait that gives up takes its listener back: callers poll with short timeouts ("wait
      // again"), and a slow or hung task must not collect one listener per attempt.
      const listener = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        this.#forget(listener);
        reject(new TimeoutError(`the future's ${what}`, timeout));
      }, timeout);
      listeners.push(listener);
    });
  }
}
