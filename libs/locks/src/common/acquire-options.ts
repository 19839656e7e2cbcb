/**
 * How long and how interruptibly to wait: the options of every wait in this library, and of
 * the queues built on it (`@concurrency-lab/queues` re-exports it as its `WaitOptions`).
 */
export interface WaitOptions {
  /**
   * Give up after this many ms (with the library's timeout error: `ERR_LOCK_TIMEOUT` for a
   * lock; each queue method names its own). 0 tries once without waiting. At most 2^31 - 1
   * (Node's timer limit), or Infinity: a longer timeout is refused as an invalid argument.
   * @default Infinity
   * @example { timeout: 500 }
   */
  readonly timeout?: number;
  /**
   * Give up when this signal aborts, rejecting with `signal.reason`. An already-aborted signal
   * rejects before trying.
   * @example { signal: AbortSignal.timeout(1000) }
   */
  readonly signal?: AbortSignal;
}

/**
 * Accepted by every acquire and wait of this library; a timeout rejects with `ERR_LOCK_TIMEOUT`.
 */
export type AcquireOptions = WaitOptions;

/** Blocking waits (worker threads only) cannot observe an AbortSignal: only a timeout applies. */
export interface SyncAcquireOptions {
  /** @default Infinity */
  readonly timeout?: number;
}
