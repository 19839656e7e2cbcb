import { validate } from '../common/validate';
import type { AcquireOptions, SyncAcquireOptions } from '../common/acquire-options';
import type { AsyncLock } from '../common/async-lock';
import { runLocked, runLockedSync } from '../common/run-locked';
import {
  kReleaseToken,
  type LockToken,
  type TokenIssuer,
  type UnlockToken,
} from '../common/unlock-token';
import type { LockTimeoutError } from '../errors';
import type { SharedHandle } from './shared-handle';
import { SharedPrimitive, type SharedKind } from './shared-primitive';
import { assertMayBlock } from './thread-identity';

/**
 * The {@link AsyncLock} surface of the cross-thread locks with one mode (SharedMutex,
 * SharedSemaphore), written once: option parsing, the order of the checks (an aborted signal
 * before anything, then a try, then a zero timeout), `withLock` and the blocking forms. A lock
 * says only how it is taken now, how it waits, and how it counts a wait refused at once.
 */
export abstract class SharedLock<K extends SharedKind>
  extends SharedPrimitive<K, SharedHandle<K>>
  implements AsyncLock, TokenIssuer
{
  /** Grants now or returns null; never waits and never jumps a queue. */
  abstract tryAcquire(): UnlockToken | null;

  abstract [kReleaseToken](token: LockToken): boolean | void;

  /** Counts an acquire whose signal had aborted before it began. */
  protected abstract abortedAtOnce(): void;

  /** Counts an acquire with a zero timeout that could not take the lock; the error to throw. */
  protected abstract timedOutAtOnce(): LockTimeoutError;

  /** Waits without blocking; called when a try failed and the timeout is not zero. */
  protected abstract acquireAsync(
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<UnlockToken>;

  /** Blocks until granted (the caller checked that this thread may block). */
  protected abstract acquireBlocking(timeout: number): UnlockToken;

  /** Waits (FIFO) until granted; never blocks the thread. */
  acquire(options?: AcquireOptions): Promise<UnlockToken> {
    try {
      const { timeout, signal } = validate.waitOptions(options);
      if (signal?.aborted) {
        this.abortedAtOnce();
        throw signal.reason;
      }
      const token = this.tryAcquire();
      if (token !== null) return Promise.resolve(token);
      if (timeout === 0) throw this.timedOutAtOnce();
      return this.acquireAsync(timeout, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Blocks until granted. Worker threads only. */
  acquireSync(options?: SyncAcquireOptions): UnlockToken {
    const timeout = validate.syncWaitOptions(options);
    assertMayBlock(this.name, 'acquireSync()');
    return this.acquireBlocking(timeout);
  }

  withLock<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>> {
    return runLocked(fn, () => this.acquire(options));
  }

  /** Runs `fn` holding the lock, blocking to get it. Worker threads only. */
  withLockSync<T>(fn: () => T, options?: SyncAcquireOptions): T {
    return runLockedSync(fn, () => this.acquireSync(options));
  }
}
