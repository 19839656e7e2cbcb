import type { AsyncLock } from '../common/async-lock';
import type { UnlockToken } from '../common/unlock-token';
import type { OwnedAcquireOptions } from './lock-owner';
import { QueuedLock } from './queued-lock';

/** The one mode of a lock that has no read/write distinction. */
const ONLY = 0;

/**
 * A {@link QueuedLock} with a single mode (Mutex, RLock, Semaphore, BoundedSemaphore): the
 * {@link AsyncLock} methods, once. RWLock has two modes and exposes them as views instead.
 */
export abstract class SingleModeLock extends QueuedLock implements AsyncLock {
  acquire(options?: OwnedAcquireOptions): Promise<UnlockToken> {
    return this.acquireMode(ONLY, options);
  }

  tryAcquire(): UnlockToken | null {
    return this.tryAcquireMode(ONLY);
  }

  withLock<T>(fn: () => T | PromiseLike<T>, options?: OwnedAcquireOptions): Promise<Awaited<T>> {
    return this.withLockMode(ONLY, fn, options);
  }
}
