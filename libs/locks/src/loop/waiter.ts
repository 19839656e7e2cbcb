import type { LockOwner } from './lock-owner';

/** Why a wait ended without being served. */
export type CancelReason = 'timeout' | 'abort';

/** The timer and abort listener of a waiter that has them (most waiters have neither). */
interface Cancellation {
  readonly timeoutMs: number;
  readonly timer: NodeJS.Timeout | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

/**
 * One suspended caller: the promise it awaits, the timer and abort listener that may end the
 * wait early, and its links in the intrusive FIFO it waits in (see wait-queue.ts). Settling is
 * exactly-once by construction: the serve path and the cancel path both start by unlinking the
 * node (`queued`), and only the one that found it queued acts. Serving or failing disarms the
 * timer and the listener, so a timer never fires for a waiter that was served.
 *
 * The in-loop locks and the queues (@concurrency-lab/queues) wait with it. `owner` and `mode`
 * are the locks' (who waits, for what); the queues leave them unset and keep what a caller
 * brought (a producer's item) in `payload`. One flat class on purpose: one is allocated per
 * contended acquire and per waiting put or get, and a subclass for the lock-only fields measured
 * ~15% slower on a contended in-loop Mutex (bench/), so the fields live here. No double-valued
 * fields besides `since`, and the cancellation parts only when a timeout or signal was given.
 */
export class Waiter<T = unknown> {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queued = false;
  readonly owner: LockOwner | undefined;
  readonly mode: number;
  /** When the wait began (performance.now(), or the turn clock), for stats and reports. */
  readonly since: number;
  /** Free for whoever owns the waiter: a Barrier's arrival index, a waiting producer's item. */
  payload: unknown = 0;
  /**
   * Runs a function in the async context of the call that began the wait (AsyncLocalStorage's
   * snapshot), set only while the lock is observed: a grant is made by whoever releases, in
   * their context, and an observer's `onAcquire` must see the acquirer's (its trace span).
   */
  inContext: (<R>(fn: () => R) => R) | undefined = undefined;
  readonly promise: Promise<T>;
  // Stored loosely typed so that Waiter<T> stays assignable to Waiter (T only flows out).
  #resolve!: (value: unknown) => void;
  #reject!: (reason: unknown) => void;
  #cancellation: Cancellation | undefined = undefined;

  constructor(owner?: LockOwner, mode = 0, since = 0) {
    this.owner = owner;
    this.mode = mode;
    this.since = since;
    this.promise = new Promise<T>((resolve, reject) => {
      this.#resolve = resolve as (value: unknown) => void;
      this.#reject = reject;
    });
  }

  /** The timeout it was armed with (Infinity when none), for the error. */
  get timeoutMs(): number {
    return this.#cancellation?.timeoutMs ?? Infinity;
  }

  /** The abort reason, for a waiter cancelled with 'abort'. */
  get abortReason(): unknown {
    return this.#cancellation?.signal?.reason as unknown;
  }

  /**
   * Calls `cancel(this, reason)` when the timeout elapses or the signal aborts, whichever is
   * first; `cancel` decides whether the waiter is still there to cancel. `timeout` must be a
   * validated one (at most 2^31 - 1 ms, or Infinity for none).
   */
  arm(
    timeout: number,
    signal: AbortSignal | undefined,
    cancel: (waiter: Waiter<T>, reason: CancelReason) => void,
  ): void {
    const onAbort = signal === undefined ? undefined : () => cancel(this, 'abort');
    this.#cancellation = {
      timeoutMs: timeout,
      timer: timeout === Infinity ? undefined : setTimeout(() => cancel(this, 'timeout'), timeout),
      signal,
      onAbort,
    };
    if (onAbort !== undefined) signal?.addEventListener('abort', onAbort, { once: true });
  }

  grant(value: T): void {
    if (this.#cancellation !== undefined) this.#disarm(this.#cancellation);
    this.#resolve(value);
  }

  fail(reason: unknown): void {
    if (this.#cancellation !== undefined) this.#disarm(this.#cancellation);
    this.#reject(reason);
  }

  #disarm({ timer, signal, onAbort }: Cancellation): void {
    if (timer !== undefined) clearTimeout(timer);
    if (onAbort !== undefined) signal?.removeEventListener('abort', onAbort);
  }
}
