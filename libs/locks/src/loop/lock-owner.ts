import { AsyncLocalStorage } from 'node:async_hooks';
import type { AcquireOptions } from '../common/acquire-options';
import { validate } from '../common/validate';

/*
 * One event loop has no threads to tell apart, so "who holds this lock" needs a name for the
 * async task that holds it: a LockOwner. AsyncLocalStorage carries the current one across
 * awaits, so code inside `owner.run(fn)` (or inside any `withLock`) never passes it by hand.
 * Owners are what RLock reentrancy and the wait-for graph (deadlock detection) are made of.
 */
const currentOwner = new AsyncLocalStorage<LockOwner>();
let lastOwnerId = 0;
/** Until an owner first runs, there is no store to read: the uncontended path skips the lookup. */
let ownersRunning = false;

/** An async task, as the in-loop locks see it: Python's "thread" for RLock and deadlocks. */
export class LockOwner {
  readonly id: number;
  /** Appears in deadlock errors and watchdog reports. */
  readonly name: string;

  constructor(name?: string) {
    this.id = ++lastOwnerId;
    this.name = name ?? `task#${this.id}`;
  }

  /** Runs `fn` (and every async continuation it starts) as this owner. */
  run<T>(fn: () => T): T {
    ownersRunning = true;
    return currentOwner.run(this, fn);
  }

  /** The owner of the running async context, if any. */
  static current(): LockOwner | undefined {
    return ownersRunning ? currentOwner.getStore() : undefined;
  }

  toString(): string {
    return this.name;
  }
}

/** In-loop acquire options: the common ones, plus who is acquiring. */
export interface OwnedAcquireOptions extends AcquireOptions {
  /**
   * Acquire on behalf of this owner instead of the current one (`LockOwner.current()`).
   * @default LockOwner.current()
   */
  readonly owner?: LockOwner;
}

export function validateOwner(value: unknown): LockOwner | undefined {
  if (value === undefined || value instanceof LockOwner) return value;
  return validate.fail('owner', 'a LockOwner', value);
}
