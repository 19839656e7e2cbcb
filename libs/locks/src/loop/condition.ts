import type { AcquireOptions } from '../common/acquire-options';
import { parseLockOptions, type LockOptions } from '../common/lock-options';
import type { Inspectable, LockInspection, LockStats } from '../common/lock-stats';
import { LockToken, type UnlockToken } from '../common/unlock-token';
import { wakeUpTo } from '../common/wake-up-to';
import { validate } from '../common/validate';
import { LockTimeoutError, NotOwnerError } from '../errors';
import type { LockOwner, OwnedAcquireOptions } from './lock-owner';
import { Mutex } from './mutex';
import { kResume, kSuspend } from './queued-lock';
import { RLock } from './rlock';
import { WaitList } from './wait-list';

export interface ConditionOptions extends LockOptions {
  /**
   * The lock the condition guards state with (Python's `Condition(lock)`).
   * @default a new Mutex
   */
  readonly lock?: Mutex | RLock;
}

/**
 * Python's `threading.Condition`, with TC39 `Atomics.Condition`'s token-passing shape: wait
 * with the token of the held lock; the lock is given up while waiting and held again when
 * `wait` returns — also when it rejects (timeout, abort), so `using` releases it either way.
 * `notify(n)` wakes the n oldest waiters (FIFO), which then queue for the lock.
 *
 * @example
 * using token = await cond.acquire();
 * await cond.waitFor(token, () => queue.length > 0, { timeout: 1000 });
 * const item = queue.shift();
 */
export class Condition implements Inspectable {
  readonly lock: Mutex | RLock;
  readonly #waiters: WaitList;

  constructor(options?: ConditionOptions) {
    const { name, observer, record } = parseLockOptions(options, 'Condition');
    const lock = record['lock'];
    if (lock !== undefined && !(lock instanceof Mutex) && !(lock instanceof RLock)) {
      validate.fail('lock', 'a Mutex or an RLock', lock);
    }
    this.lock = lock ?? new Mutex({ name: `${name}.lock` });
    this.#waiters = new WaitList(name, 'Condition', observer);
  }

  get name(): string {
    return this.#waiters.name;
  }

  acquire(options?: OwnedAcquireOptions): Promise<UnlockToken> {
    return this.lock.acquire(options);
  }

  tryAcquire(): UnlockToken | null {
    return this.lock.tryAcquire();
  }

  withLock<T>(fn: () => T | PromiseLike<T>, options?: OwnedAcquireOptions): Promise<Awaited<T>> {
    return this.lock.withLock(fn, options);
  }

  /** Gives the lock up until notified (or timed out / aborted), then takes it back. */
  async wait(token: UnlockToken, options?: AcquireOptions): Promise<void> {
    const { timeout, signal } = validate.waitOptions(options);
    await this.#wait(token, timeout, signal, timeout);
  }

  /**
   * Waits until `predicate()` is truthy, checking it first and after every wake-up (so a
   * stolen or spurious wake-up just waits again); resolves with the predicate's value.
   * The timeout covers the whole call.
   */
  async waitFor<T>(token: UnlockToken, predicate: () => T, options?: AcquireOptions): Promise<T> {
    validate.function(predicate, 'predicate');
    const { timeout, signal } = validate.waitOptions(options);
    this.#checkToken(token);
    const deadline = performance.now() + timeout;
    let result = predicate();
    while (!result) {
      const remaining = Math.max(0, deadline - performance.now());
      await this.#wait(token, remaining, signal, timeout);
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `count` waiters, oldest first; returns how many. The lock must be held. */
  notify(count = 1): number {
    validate.integer(count, 'count', 0, Number.MAX_SAFE_INTEGER);
    if (!this.lock.locked)
      throw new NotOwnerError(`${this.name}: notify() without holding ${this.lock.name}`);
    return wakeUpTo(count, () => this.#waiters.wakeOne());
  }

  notifyAll(): number {
    return this.notify(Number.MAX_SAFE_INTEGER);
  }

  get stats(): LockStats {
    return this.#waiters.stats;
  }

  inspect(): LockInspection {
    return this.#waiters.inspect();
  }

  #checkToken(token: unknown): asserts token is LockToken {
    if (!(token instanceof LockToken) || token.issuer !== this.lock || !token.locked) {
      throw new NotOwnerError(`${this.name}: wait() needs a held token of ${this.lock.name}`);
    }
  }

  async #wait(
    token: UnlockToken,
    timeout: number,
    signal: AbortSignal | undefined,
    reportedTimeout: number,
  ): Promise<void> {
    this.#checkToken(token);
    const refusal = this.#waiters.refuse(timeout, signal);
    // A zero budget left (waitFor's last round) still reports the caller's timeout.
    if (refusal instanceof LockTimeoutError) throw new LockTimeoutError(this.name, reportedTimeout);
    if (refusal !== undefined) throw refusal as unknown; // or the signal's reason, whatever it is
    const waiter = this.#waiters.add<void>(timeout, signal, token.owner as LockOwner | undefined);
    const saved = this.lock[kSuspend](token);
    let failure: { error: unknown } | undefined;
    try {
      await waiter.promise;
    } catch (error) {
      // waitFor's later rounds wait out what is left of its budget; the error names the caller's.
      const renamed = error instanceof LockTimeoutError && timeout !== reportedTimeout;
      failure = { error: renamed ? new LockTimeoutError(this.name, reportedTimeout) : error };
    }
    await this.lock[kResume](token, saved);
    if (failure !== undefined) throw failure.error;
  }
}
