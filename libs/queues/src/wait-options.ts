export interface WaitOptions {
  /**
   * Milliseconds to wait at most; then `put` rejects `ERR_QUEUE_FULL`, `get` rejects
   * `ERR_QUEUE_EMPTY` (Python's `Full`/`Empty`), the other waits reject `ERR_QUEUE_TIMEOUT`.
   * 0 = do not wait. @default Infinity
   */
  timeout?: number;
  /** Abandons the wait; the promise rejects with `signal.reason` and nothing is put or taken. */
  signal?: AbortSignal;
}
