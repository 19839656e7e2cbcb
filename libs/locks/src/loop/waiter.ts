import type { LockOwner } from './lock-owner';

/** Why a wait ended without being granted. */
export type CancelReason = 'timeout' | 'abort';

/** The timer and abort listener of a waiter that has them (most waiters have neither). */
interface Cancellation {
  readonly timeoutMs: number;
  readonly timer: NodeJS.Timeout | undefined;
  readonly signal: AbortSignal | undefined;
  readonly onAbort: (() => void) | undefined;
}

/**
 * One pending wait: a queue node and the promise its caller awaits. Settling is exactly-once by
 * construction: the grant path and the cancel path both start by unlinking the node (`queued`),
 * and only the one that found it queued acts.
 *
 * Kept small on purpose (it is allocated per contended acquire): no double-valued fields
 * besides `since`, and the cancellation parts only when a timeout or signal was given.
 */
export class Waiter<T = unknown> {
  prev: Waiter | undefined = undefined;
  next: Waiter | undefined = undefined;
  queued = false;
  readonly owner: LockOwner | undefined;
  readonly mode: number;
  /** performance.now() when the wait began. */
  readonly since: number;
  /** Free for the primitive that owns the waiter (a Barrier's arrival index). */
  payload = 0;
  readonly promise: Promise<T>;
  // Stored loosely typed so that Waiter<T> stays assignable to Waiter (T only flows out).
  #resolve!: (value: unknown) => void;
  #reject!: (reason: unknown) => void;
  #cancellation: Cancellation | undefined = undefined;

  constructor(owner: LockOwner | undefined, mode: number, since: number) {
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
    return this.#cancellation?.signal?.reason;
  }

  /**
   * Calls `cancel(this, reason)` when the timeout elapses or the signal aborts, whichever is
   * first; `cancel` decides whether the waiter is still there to cancel.
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

  grant(value: unknown): void {
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
