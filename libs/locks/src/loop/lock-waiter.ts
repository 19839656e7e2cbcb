import type { LockOwner } from './lock-owner';
import { Waiter } from './waiter';

/**
 * A waiter of an in-loop primitive: also a node of its intrusive FIFO (see wait-queue.ts) and
 * a wait-for graph edge. The grant path and the cancel path both start by unlinking the node
 * (`queued`), and only the one that found it queued acts.
 *
 * No double-valued fields besides `since` (one is allocated per contended acquire).
 */
export class LockWaiter<T = unknown> extends Waiter<T> {
  prev: LockWaiter | undefined = undefined;
  next: LockWaiter | undefined = undefined;
  queued = false;
  readonly owner: LockOwner | undefined;
  readonly mode: number;
  /** When the wait began (performance.now(), or the turn clock when unobserved). */
  readonly since: number;
  /** Free for the primitive that owns the waiter (a Barrier's arrival index). */
  payload = 0;

  constructor(owner: LockOwner | undefined, mode: number, since: number) {
    super();
    this.owner = owner;
    this.mode = mode;
    this.since = since;
  }
}
