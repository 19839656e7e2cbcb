/**
 * One suspended caller: a promise plus the timer and abort listener that may end the wait
 * early. Whoever settles it first wins; settling disarms both, so a timer never fires for a
 * waiter that already got its item (and jest never finds a stray timer).
 */
export class Waiter<R> {
  readonly promise: Promise<R>;
  #resolve!: (value: R) => void;
  #reject!: (reason: unknown) => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #signal: AbortSignal | undefined;
  #onAbort: (() => void) | undefined;
  #settled = false;

  constructor() {
    this.promise = new Promise<R>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
    });
  }

  get settled(): boolean {
    return this.#settled;
  }

  /**
   * Ends the wait by `cancel(reason)` when `timeoutMs` passes (reason: `onTimeout()`) or
   * `signal` aborts (reason: `signal.reason`). `cancel` must unlink the waiter, then reject it.
   */
  arm(
    timeoutMs: number,
    signal: AbortSignal | undefined,
    onTimeout: () => Error,
    cancel: (reason: unknown) => void,
  ): void {
    if (timeoutMs !== Infinity) {
      this.#timer = setTimeout(() => cancel(onTimeout()), timeoutMs);
    }
    if (signal !== undefined) {
      this.#signal = signal;
      this.#onAbort = () => cancel(signal.reason);
      signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  resolve(value: R): void {
    if (this.#disarm()) this.#resolve(value);
  }

  reject(reason: unknown): void {
    if (this.#disarm()) this.#reject(reason);
  }

  #disarm(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    if (this.#onAbort !== undefined) this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#timer = this.#signal = this.#onAbort = undefined;
    return true;
  }
}
