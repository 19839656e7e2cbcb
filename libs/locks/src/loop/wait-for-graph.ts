import type { DeadlockEdge } from '../errors';
import type { LockOwner } from './lock-owner';
import type { Waiter } from './waiter';

/**
 * The wait-for graph of the in-loop exclusive locks (Mutex, RLock, RWLock):
 *
 *   owner ──waits for──▶ lock ──held by / queued ahead──▶ owner ──waits for──▶ ...
 *
 * A waiter is blocked by every holder and, the queue being FIFO, by every waiter ahead of it.
 * These locks need *all* their blockers to move on, so one path back to the new waiter is
 * already a deadlock. Semaphores, Events, Conditions and Barriers are not nodes: any permit
 * holder or any `set()` caller may free their waiters, which a graph of owners cannot decide.
 */
export interface GraphNode {
  readonly name: string;
  /** Owners that must move before `waiter` can (all holders and waiters ahead when undefined). */
  blockersOf(waiter: Waiter | undefined): Iterable<LockOwner | undefined>;
}

/**
 * What each owner waits for, its made-up children's waits included: a `withLock` that holds a
 * lock is taken to await the calls its `fn` makes, so it cannot move on while one of them waits.
 */
const pendingWaits = new WeakMap<LockOwner, Map<Waiter, GraphNode>>();

export function addWait(owner: LockOwner, waiter: Waiter, node: GraphNode): void {
  for (let at: LockOwner | undefined = owner; at !== undefined; at = at.parent) {
    let waits = pendingWaits.get(at);
    if (waits === undefined) pendingWaits.set(at, (waits = new Map<Waiter, GraphNode>()));
    waits.set(waiter, node);
  }
}

export function removeWait(owner: LockOwner, waiter: Waiter): void {
  for (let at: LockOwner | undefined = owner; at !== undefined; at = at.parent) {
    pendingWaits.get(at)?.delete(waiter);
  }
}

/**
 * The cycle `owner` would close by waiting for `node`, or undefined. Depth-first over owners
 * (each visited once), so its cost is bounded by the number of blocked owners, and it only
 * runs when an owned acquire has to wait: the uncontended path never pays for it.
 */
export function findCycle(owner: LockOwner, node: GraphNode): DeadlockEdge[] | undefined {
  const visited = new Set<LockOwner>();
  const path: DeadlockEdge[] = [];

  const visit = (waiting: LockOwner, at: GraphNode, waiter: Waiter | undefined): boolean => {
    for (const blocker of at.blockersOf(waiter)) {
      if (blocker === undefined) continue; // an anonymous holder cannot be waiting on anyone
      path.push({ owner: waiting.name, lock: at.name, heldBy: blocker.name });
      // Blocked by itself, or by the withLock whose fn awaits it.
      if (owner.within(blocker)) return true;
      if (!visited.has(blocker)) {
        visited.add(blocker);
        for (const [next, nextNode] of pendingWaits.get(blocker) ?? []) {
          if (visit(next.owner ?? blocker, nextNode, next)) return true;
        }
      }
      path.pop();
    }
    return false;
  };

  return visit(owner, node, undefined) ? path : undefined;
}
