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

let makeImplicitChild: (parent: LockOwner | undefined) => LockOwner;

/**
 * The owner for one `withLock` call outside any named owner: a child of `parent` (the made-up
 * owner of the `withLock` whose `fn` made the call, if any). Each call is its own task, so
 * sibling calls (`Promise.all([a.withLock(f), a.withLock(g)])`) wait for each other as
 * strangers do, while a nested call still counts as its caller's for reentry and deadlocks
 * ({@link LockOwner.within}).
 */
export function implicitOwner(parent: LockOwner | undefined): LockOwner {
  return makeImplicitChild(parent);
}

/** An async task, as the in-loop locks see it: Python's "thread" for RLock and deadlocks. */
export class LockOwner {
  readonly id: number;
  /** Appears in deadlock errors and watchdog reports. */
  readonly name: string;
  /**
   * For an owner `withLock` made up: the made-up owner whose `fn` called it, if any. A named
   * owner (`new LockOwner()`) has none: it is one task, whatever runs inside it.
   */
  get parent(): LockOwner | undefined {
    return this.#parent;
  }

  /** Made up by `withLock`: a `withLock` inside it makes a child rather than reusing it. */
  get implicit(): boolean {
    return this.#implicit;
  }

  #parent: LockOwner | undefined = undefined;
  #implicit = false;

  constructor(name?: string) {
    this.id = ++lastOwnerId;
    this.name = name ?? `task#${this.id}`;
  }

  static {
    makeImplicitChild = (parent) => {
      const owner = new LockOwner();
      owner.#parent = parent;
      owner.#implicit = true;
      return owner;
    };
  }

  /**
   * Whether this owner is `other` or was made inside `other`'s `withLock`: what `other` holds,
   * this one holds too (an RLock lets it back in, and its wait for it is `other`'s deadlock:
   * `other`'s `fn` is taken to await the nested call).
   */
  within(other: LockOwner | undefined): boolean {
    return this === other || (this.#parent?.within(other) ?? false);
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
