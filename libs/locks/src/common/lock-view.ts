import type { AcquireOptions, SyncAcquireOptions } from './acquire-options';
import type { AsyncLock } from './async-lock';
import type { Inspectable, LockInspection, LockStats } from './lock-stats';
import type { UnlockToken } from './unlock-token';

/** What a view forwards to its lock, in one mode (RW locks: read or write). */
export interface ViewOperations<O extends AcquireOptions> {
  acquire(options?: O): Promise<UnlockToken>;
  tryAcquire(): UnlockToken | null;
  withLock<T>(fn: () => T | PromiseLike<T>, options?: O): Promise<Awaited<T>>;
}

/**
 * One mode of a multi-mode lock as an {@link AsyncLock} of its own (`rw.read`, `rw.write`), so
 * code written for any lock takes it; stats and reports are the whole lock's.
 */
export class LockView<O extends AcquireOptions = AcquireOptions> implements AsyncLock {
  readonly #lock: Inspectable;
  readonly #operations: ViewOperations<O>;

  constructor(lock: Inspectable, operations: ViewOperations<O>) {
    this.#lock = lock;
    this.#operations = operations;
  }

  get name(): string {
    return this.#lock.name;
  }

  get stats(): LockStats {
    return this.#lock.stats;
  }

  inspect(): LockInspection {
    return this.#lock.inspect();
  }

  acquire(options?: O): Promise<UnlockToken> {
    return this.#operations.acquire(options);
  }

  tryAcquire(): UnlockToken | null {
    return this.#operations.tryAcquire();
  }

  withLock<T>(fn: () => T | PromiseLike<T>, options?: O): Promise<Awaited<T>> {
    return this.#operations.withLock(fn, options);
  }
}

/** Blocking operations of a shared lock's view (worker threads only). */
export interface SyncViewOperations extends ViewOperations<AcquireOptions> {
  acquireSync(options?: SyncAcquireOptions): UnlockToken;
  withLockSync<T>(fn: () => T, options?: SyncAcquireOptions): T;
}

/** A view of a cross-thread lock: the async forms plus the blocking ones for workers. */
export class SyncLockView extends LockView {
  readonly #operations: SyncViewOperations;

  constructor(lock: Inspectable, operations: SyncViewOperations) {
    super(lock, operations);
    this.#operations = operations;
  }

  acquireSync(options?: SyncAcquireOptions): UnlockToken {
    return this.#operations.acquireSync(options);
  }

  withLockSync<T>(fn: () => T, options?: SyncAcquireOptions): T {
    return this.#operations.withLockSync(fn, options);
  }
}
