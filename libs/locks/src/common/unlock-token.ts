/**
 * Proof of holding a lock, shaped like the TC39 `Atomics.Mutex.UnlockToken` (proposal-structs),
 * so a later move to the standard changes construction, not call sites:
 *
 *   using token = await mutex.acquire();   // released at the end of the block, even on throw
 *   token.unlock();                        // or by hand; a second call is a no-op returning false
 */
export interface UnlockToken extends Disposable {
  /**
   * True until the token is unlocked (and while a Condition wait has lent the lock away: false).
   */
  readonly locked: boolean;
  /** Releases what this token holds; true the first time, false when already released. */
  unlock(): boolean;
  [Symbol.dispose](): void;
}

/** Module-internal hook through which a token hands itself back to the lock that issued it. */
export const kReleaseToken: unique symbol = Symbol('locks.releaseToken');

export interface TokenIssuer {
  /** Releases what `token` holds; false when it turned out to be released already. */
  [kReleaseToken](token: LockToken): boolean | void;
}

/**
 * The one token class behind every lock. Its extra fields are the issuer's bookkeeping (who, in
 * which mode, since when, which ticket); the public type is {@link UnlockToken}.
 */
export class LockToken implements UnlockToken {
  readonly issuer: TokenIssuer;
  /** In-loop: the LockOwner (or undefined). Shared: unused. */
  readonly owner: unknown;
  /** Issuer-defined: exclusive / read / write. */
  readonly mode: number;
  /**
   * performance.now() at grant, or undefined when nobody measured it (no observer). Undefined
   * rather than NaN: a double field costs V8 a heap-number allocation per token.
   */
  acquiredAt: number | undefined;
  /** Shared mutex: the ticket this token holds. */
  ticket: number;
  #locked = true;

  constructor(
    issuer: TokenIssuer,
    owner: unknown,
    mode: number,
    acquiredAt: number | undefined,
    ticket = 0,
  ) {
    this.issuer = issuer;
    this.owner = owner;
    this.mode = mode;
    this.acquiredAt = acquiredAt;
    this.ticket = ticket;
  }

  get locked(): boolean {
    return this.#locked;
  }

  unlock(): boolean {
    if (!this.#locked) return false;
    this.#locked = false;
    return this.issuer[kReleaseToken](this) !== false;
  }

  [Symbol.dispose](): void {
    this.unlock();
  }

  /** Condition.wait lends the lock away: the token reads as unlocked until it is given back. */
  suspend(): void {
    this.#locked = false;
  }

  resume(): void {
    this.#locked = true;
  }
}
