import type { Waiter } from './waiter';

/**
 * An intrusive doubly linked FIFO of waiters: push and shift at the ends, and O(1) removal from
 * the middle when a waiter times out or is aborted (an array would pay O(n) splices there).
 *
 *   head ─▶ [w1] ⇄ [w2] ⇄ [w3] ◀─ tail      (w1 waited longest)
 */
export class WaitQueue {
  head: Waiter | undefined = undefined;
  tail: Waiter | undefined = undefined;
  size = 0;

  push(waiter: Waiter): void {
    waiter.prev = this.tail;
    waiter.next = undefined;
    if (this.tail === undefined) this.head = waiter;
    else this.tail.next = waiter;
    this.tail = waiter;
    waiter.queued = true;
    this.size++;
  }

  shift(): Waiter | undefined {
    const waiter = this.head;
    if (waiter !== undefined) this.remove(waiter);
    return waiter;
  }

  /** Unlinks `waiter`; a no-op when it is not queued (already granted or cancelled). */
  remove(waiter: Waiter): void {
    if (!waiter.queued) return;
    if (waiter.prev === undefined) this.head = waiter.next;
    else waiter.prev.next = waiter.next;
    if (waiter.next === undefined) this.tail = waiter.prev;
    else waiter.next.prev = waiter.prev;
    waiter.prev = waiter.next = undefined;
    waiter.queued = false;
    this.size--;
  }

  *[Symbol.iterator](): IterableIterator<Waiter> {
    for (let waiter = this.head; waiter !== undefined; waiter = waiter.next) yield waiter;
  }
}
