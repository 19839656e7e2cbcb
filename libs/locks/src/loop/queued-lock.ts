import type { LockObserver } from '../common/lock-observer';
import type { HolderInfo, LockKind } from '../common/lock-stats';
import {
  kReleaseToken,
  LockToken,
  type TokenIssuer,
  type UnlockToken,
} from '../common/unlock-token';
import { validate } from '../common/validate';
import { DeadlockError, LockTimeoutError } from '../errors';
import { implicitOwner, LockOwner, validateOwner, type OwnedAcquireOptions } from './lock-owner';
import { addWait, findCycle, removeWait, type GraphNode } from './wait-for-graph';
import { WaitRoom } from './wait-room';
import type { Waiter } from './waiter';

/** Condition.wait lends a held lock away and takes it back through these. */
export const kSuspend: unique symbol = Symbol('locks.suspend');
export const kResume: unique symbol = Symbol('locks.resume');

/**
 * The engine behind Mutex, RLock, Semaphore, BoundedSemaphore and RWLock: one FIFO queue of
 * waiters, grants handed straight to the head (the lock is never "free" while someone waits, so
 * a newcomer cannot barge in: no starvation), timeouts and aborts that unlink their waiter, the
 * wait-for graph, stats and the instrumentation hook. Subclasses only say who may take it.
 */
export abstract class QueuedLock extends WaitRoom implements TokenIssuer, GraphNode {
  /** Whether waits on this lock are wait-for graph edges (exclusive locks: yes; semaphores: no). */
  readonly #inGraph: boolean;

  protected constructor(
    name: string,
    kind: LockKind,
    observer: LockObserver | undefined,
    inGraph: boolean,
  ) {
    super(name, kind, observer);
    this.#inGraph = inGraph;
  }

  /** Takes the lock now for `owner` if policy allows (FIFO: only when nobody waits, or reentry). */
  protected abstract tryTake(owner: LockOwner | undefined, mode: number): boolean;
  /** Whether the queue's head may be granted now. */
  protected abstract canGrant(waiter: Waiter): boolean;
  /** Records a queued waiter's grant. */
  protected abstract take(owner: LockOwner | undefined, mode: number): void;
  /** Records a release. */
  protected abstract untake(token: LockToken): void;
  /** Holders as wait-for graph nodes. */
  protected abstract holderOwners(): Iterable<LockOwner | undefined>;

  /**
   * Whom a grant asked for by `owner` goes to: `owner`, except that an RLock grants a call nested
   * in its holder's `withLock` to that holder, as one more level of its hold.
   */
  protected grantee(owner: LockOwner | undefined): LockOwner | undefined {
    return owner;
  }

  protected override holderInfos(): HolderInfo[] {
    return [...this.holderOwners()].map((owner) => ({ id: owner?.name ?? 'anonymous' }));
  }

  /** Condition.wait: gives the lock up entirely; returns what {@link resumeHold} needs back. */
  protected suspendHold(token: LockToken): number {
    this.untake(token);
    return 1;
  }

  protected resumeHold(_saved: number): void {
    // Only RLock has recursion levels to put back.
  }

  *blockersOf(waiter: Waiter | undefined): Iterable<LockOwner | undefined> {
    if (!this.#inGraph) return;
    yield* this.holderOwners();
    for (let ahead = this.queue.head; ahead !== undefined && ahead !== waiter; ahead = ahead.next) {
      yield ahead.owner;
    }
  }

  protected acquireMode(
    mode: number,
    options: OwnedAcquireOptions | undefined,
  ): Promise<UnlockToken> {
    try {
      if (options === undefined) {
        const owner = this.grantee(LockOwner.current());
        if (this.tryTake(owner, mode)) return this.grantResolved(owner, mode);
        return this.#enqueue(owner, mode, Infinity, undefined, true);
      }
      const { timeout, signal } = validate.waitOptions(options);
      const owner = this.grantee(validateOwner(options.owner) ?? LockOwner.current());
      if (signal?.aborted) {
        this.giveUp('abort', 0);
        throw signal.reason;
      }
      if (this.tryTake(owner, mode)) return this.grantResolved(owner, mode);
      if (timeout === 0) {
        this.giveUp('timeout', 0);
        throw new LockTimeoutError(this.name, 0);
      }
      return this.#enqueue(owner, mode, timeout, signal, true);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  protected tryAcquireMode(mode: number): UnlockToken | null {
    const owner = this.grantee(LockOwner.current());
    return this.tryTake(owner, mode) ? this.#grantNow(owner, mode) : null;
  }

  protected async withLockMode<T>(
    mode: number,
    fn: () => T | PromiseLike<T>,
    options: OwnedAcquireOptions | undefined,
  ): Promise<Awaited<T>> {
    validate.function(fn, 'fn');
    if (options !== undefined) validate.object(options);
    const named = validateOwner(options?.owner);
    const current = named ?? LockOwner.current();
    // Outside any named owner, each call is a task of its own, made up for the duration of
    // `fn`: locks taken inside are attributed to it, which is what lets an RLock re-enter and
    // the wait-for graph see a cycle without the caller naming tasks. A call inside another
    // call's `fn` is that call's child, not that call: siblings started together are strangers.
    if (current === undefined || (named === undefined && current.implicit)) {
      const owner = implicitOwner(current);
      return owner.run(() => this.#withLockAs(owner, mode, fn, options));
    }
    return this.#withLockAs(current, mode, fn, options);
  }

  async #withLockAs<T>(
    owner: LockOwner,
    mode: number,
    fn: () => T | PromiseLike<T>,
    options: OwnedAcquireOptions | undefined,
  ): Promise<Awaited<T>> {
    using _token = await this.acquireMode(mode, { ...options, owner });
    return await fn();
  }

  [kReleaseToken](token: LockToken): void {
    this.untake(token);
    if (token.acquiredAt !== undefined && this.instrument.active) {
      this.instrument.released(performance.now() - token.acquiredAt);
    }
    if (this.queue.head !== undefined) this.drain();
  }

  [kSuspend](token: LockToken): number {
    token.suspend();
    const saved = this.suspendHold(token);
    this.drain();
    return saved;
  }

  /**
   * Takes the lock back for a Condition waiter: FIFO like anyone, without timeout or deadlock
   * check.
   */
  async [kResume](token: LockToken, saved: number): Promise<void> {
    const owner = token.owner as LockOwner | undefined;
    const fresh = this.tryTake(owner, token.mode)
      ? this.#grantNow(owner, token.mode)
      : await this.#enqueue(owner, token.mode, Infinity, undefined, false);
    this.resumeHold(saved);
    token.acquiredAt = (fresh as LockToken).acquiredAt;
    token.resume();
  }

  /** Grants the head of the queue for as long as policy allows. */
  protected drain(): void {
    for (let waiter = this.queue.head; waiter !== undefined; waiter = this.queue.head) {
      if (!this.canGrant(waiter)) return;
      this.queue.remove(waiter);
      if (waiter.owner !== undefined) removeWait(waiter.owner, waiter);
      this.take(waiter.owner, waiter.mode);
      this.countServed(true);
      let now: number | undefined;
      if (this.instrument.active) {
        now = performance.now();
        this.instrument.acquiredBy(waiter, now - waiter.since);
      }
      waiter.grant(new LockToken(this, waiter.owner, waiter.mode, now));
    }
  }

  /**
   * The uncontended grant, for a lock already taken by the caller, as a settled promise. An
   * async method rather than Promise.resolve(token): V8 creates and awaits its promise
   * measurably faster (several % of an uncontended acquire/release, see bench/).
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- async on purpose, see above
  protected async grantResolved(owner: LockOwner | undefined, mode: number): Promise<UnlockToken> {
    return this.#grantNow(owner, mode);
  }

  #grantNow(owner: LockOwner | undefined, mode: number): LockToken {
    this.countServed(false);
    let now: number | undefined;
    if (this.instrument.active) {
      now = performance.now();
      this.instrument.acquired(0);
    }
    return new LockToken(this, owner, mode, now);
  }

  #enqueue(
    owner: LockOwner | undefined,
    mode: number,
    timeout: number,
    signal: AbortSignal | undefined,
    checkDeadlock: boolean,
  ): Promise<UnlockToken> {
    if (checkDeadlock && owner !== undefined && this.#inGraph) {
      const cycle = findCycle(owner, this);
      if (cycle !== undefined) {
        this.instrument.gaveUp(0, 'deadlock');
        return Promise.reject(new DeadlockError(cycle));
      }
    }
    const waiter = this.addWaiter<UnlockToken>(owner, mode, timeout, signal);
    if (owner !== undefined && this.#inGraph) addWait(owner, waiter, this);
    return waiter.promise;
  }

  protected override cancelled(waiter: Waiter): void {
    if (waiter.owner !== undefined) removeWait(waiter.owner, waiter);
    // The waiter may have been what held the others back (a queued RWLock writer).
    this.drain();
  }
}
