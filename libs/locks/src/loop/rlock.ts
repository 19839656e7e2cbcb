import { parseLockOptions, type LockOptions } from '../common/lock-options';
import type { LockToken } from '../common/unlock-token';
import { NotOwnerError, OwnerRequiredError } from '../errors';
import type { LockOwner } from './lock-owner';
import { SingleModeLock } from './single-mode-lock';

/**
 * Python's `threading.RLock`: the owner that holds it may take it again (each acquisition is one
 * token, and the lock is free when every token is unlocked). "The same owner" is a
 * {@link LockOwner}: outside a named one, each `withLock` call makes one, a child of the call it
 * is nested in, which re-enters what its ancestors hold ({@link LockOwner.within}). `acquire` and
 * `tryAcquire` outside any owner throw `ERR_LOCK_OWNER_REQUIRED` instead of silently treating
 * every call as a stranger.
 */
export class RLock extends SingleModeLock {
  #owner: LockOwner | undefined = undefined;
  #count = 0;

  constructor(options?: LockOptions) {
    const { name, observer } = parseLockOptions(options, 'RLock');
    super(name, 'RLock', observer, true);
  }

  get locked(): boolean {
    return this.#count > 0;
  }

  /** How many times the current holder has taken it (0 when free). */
  get depth(): number {
    return this.#count;
  }

  protected override grantee(owner: LockOwner | undefined): LockOwner | undefined {
    return this.#count > 0 && owner?.within(this.#owner) === true ? this.#owner : owner;
  }

  protected tryTake(owner: LockOwner | undefined): boolean {
    if (owner === undefined) {
      throw new OwnerRequiredError(
        `${this.name} is reentrant per owner: acquire it inside LockOwner.run() or withLock(), or pass { owner }`,
      );
    }
    if (this.#count > 0) {
      // Reentry is granted even with waiters queued: making the holder wait on itself would
      // be a deadlock, not fairness.
      if (this.#owner !== owner) return false;
      this.#count++;
      return true;
    }
    if (this.queue.size !== 0) return false;
    this.take(owner);
    return true;
  }

  protected canGrant(): boolean {
    return this.#count === 0;
  }

  protected take(owner: LockOwner | undefined): void {
    this.#owner = owner;
    this.#count = 1;
  }

  protected untake(token: LockToken): void {
    if (this.#count === 0 || token.owner !== this.#owner) {
      // A token of an owner that does not hold the lock now: an outer token while a
      // Condition.wait on an inner one has lent every level away (the outer one still reads as
      // locked), maybe to another owner. Its unlock would release someone else's hold. Refused,
      // and the token stays locked: once the wait takes the lock back, it is valid again.
      token.resume();
      const holder = this.#count === 0 ? 'not held' : `held by ${this.#ownerName()}`;
      throw new NotOwnerError(
        `${this.name} is ${holder}: a token of ${(token.owner as LockOwner).name} cannot release it`,
      );
    }
    if (--this.#count === 0) this.#owner = undefined;
  }

  #ownerName(): string {
    return this.#owner?.name ?? 'anonymous';
  }

  protected override suspendHold(): number {
    const saved = this.#count;
    this.#count = 0;
    this.#owner = undefined;
    return saved;
  }

  protected override resumeHold(saved: number): void {
    this.#count += saved - 1;
  }

  protected holderCount(): number {
    return this.#count > 0 ? 1 : 0;
  }

  protected *holderOwners(): Iterable<LockOwner | undefined> {
    if (this.#count > 0) yield this.#owner;
  }
}
