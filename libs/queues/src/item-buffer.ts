/** An item as a queue stores it: the value and when it entered (for wait-time metrics). */
export interface QueueEntry<T> {
  readonly value: T;
  readonly enqueuedAt: number;
}

/**
 * Where a queue keeps its items; the order of `take` is the queue's discipline. This is
 * Python's `_init`/`_put`/`_get`/`_qsize` seam (queue.py): the waiting, bounds, `task_done`
 * and shutdown logic is written once, and FIFO, LIFO and priority differ only here.
 */
export interface ItemBuffer<E> {
  readonly size: number;
  push(entry: E): void;
  /** Removes and returns the next entry; only called when `size > 0`. */
  take(): E;
  /**
   * Removes and returns every entry, in any order, without comparing (a throwing `compare` cannot
   * stop it).
   */
  takeAll(): E[];
}
