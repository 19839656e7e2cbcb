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
 * One suspended caller: the promise it awaits, and the timer and abort listener that may end
 * the wait early. Serving (`grant`) or failing it disarms both, so a timer never fires for a
 * waiter that was served (and jest never finds a stray timer). Exactly-once settling is the
 * owner's rule: it unlinks the waiter from its line first, and only the path that found it
 * there acts (the locks' WaitRoom, the queues' waiting lines).
 *
 * Kept small on purpose (one is allocated per contended acquire, per waiting put or get): the
 * cancellation parts exist only when a timeout or signal was given.
 */
export class Waiter<T = unknown> {
  readonly promise: Promise<T>;
  // Stored loosely typed so that Waiter<T> stays assignable to Waiter (T only flows out).
  #resolve!: (value: unknown) => void;
  #reject!: (reason: unknown) => void;
  #cancellation: Cancellation | undefined = undefined;

  constructor() {
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
   * first; `cancel` decides whether the waiter is still there to cancel. `timeout` must be a
   * validated one (at most 2^31 - 1 ms, or Infinity for none).
   */
  arm(
    timeout: number,
    signal: AbortSignal | undefined,
    cancel: (waiter: this, reason: CancelReason) => void,
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
