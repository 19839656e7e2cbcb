import type { AcquireOptions } from './acquire-options';
import type { Inspectable } from './lock-stats';
import type { UnlockToken } from './unlock-token';

/**
 * The shape every lock-like primitive shares, in-loop and cross-thread alike: Mutex, RLock,
 * Semaphore, BoundedSemaphore, RWLock's `read`/`write` views, SharedMutex, SharedSemaphore and
 * SharedRWLock's views. Code written against it works with any of them.
 */
export interface AsyncLock extends Inspectable {
  /** Waits (FIFO) until granted; never blocks the thread. */
  acquire(options?: AcquireOptions): Promise<UnlockToken>;
  /** Grants now or returns null; never waits and never jumps a queue. */
  tryAcquire(): UnlockToken | null;
  /** Runs `fn` holding the lock and releases it however `fn` ends. */
  withLock<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>>;
}
