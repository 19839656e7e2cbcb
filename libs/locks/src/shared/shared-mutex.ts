import type { LockOptions } from '../common/lock-options';
import type { LockInspection, LockStats } from '../common/lock-stats';
import { kReleaseToken, LockToken, type UnlockToken } from '../common/unlock-token';
import { LockTimeoutError, NotOwnerError } from '../errors';
import { validate } from '../common/validate';
import { createSharedBuffer, HEADER_WORDS } from './shared-clock';
import type { SharedHandle } from './shared-handle';
import { SharedLock } from './shared-lock';
import { adoptShared, openShared, type AdoptOptions, type SharedWaiter } from './shared-primitive';
import { selfDeadlock, THREAD_TAG, threadLabel } from './thread-identity';
import { TicketLock } from './ticket-lock';
import { slotCount } from './ticket-slot';

/*
 * SharedMutex buffer (one SharedArrayBuffer, Int32 cells):
 *
 *   ┌──────────────┬─────────────────────────────────────────────────────────────┐
 *   │ epoch (f64)  │ ticket lock: next, serving, owner, ..., slot[N], thread[N], │
 *   │ 2 words      │ since[N]                      (layout in ticket-lock.ts)    │
 *   └──────────────┴─────────────────────────────────────────────────────────────┘
 */

export type SharedMutexHandle = SharedHandle<'SharedMutex'>;

/** Options of every shared primitive that queues waiters. */
export interface SharedLockOptions extends LockOptions {
  /**
   * Waiters the fixed-size shared table can hold at once, across all threads (rounded up to a
   * power of two). Arrivals beyond it wait for a free slot, outside FIFO order.
   * @default 256
   */
  readonly maxWaiters?: number;
}

/** What {@link SharedMutex.recoverDeadThread} found and did. */
export interface DeadThreadRecovery {
  /** The dead thread held the lock (or had just been granted it): it was released for it. */
  readonly wasOwner: boolean;
  /** Its tickets still waiting in line, now abandoned: releases skip them. */
  readonly abandonedTickets: number;
}

/** Internal access for SharedCondition, which lends the mutex away while waiting. */
export const kTicketLock: unique symbol = Symbol('locks.ticketLock');
/** Internal: SharedCondition hands back a token that holds the mutex again after a wait. */
export const kHeldAgain: unique symbol = Symbol('locks.heldAgain');

function createBuffer(options: Record<string, unknown>): SharedArrayBuffer {
  const slots = slotCount(options['maxWaiters']);
  const buffer = createSharedBuffer(TicketLock.words(slots));
  TicketLock.initialize(new Int32Array(buffer), HEADER_WORDS, slots);
  return buffer;
}

/**
 * A mutex across worker threads: TC39 `Atomics.Mutex` in spirit, built on a SharedArrayBuffer.
 * Create it in one thread, send `mutex.handle` to others, rebuild with `SharedMutex.from`.
 *
 * - FIFO (a ticket lock): threads get it in arrival order; nobody barges in.
 * - `acquire()` never blocks (Atomics.waitAsync): the one for the main thread and async code.
 *   `acquireSync()` blocks with Atomics.wait: workers only (the main thread gets
 *   `ERR_LOCK_MAIN_THREAD_WAIT`), and a thread that already holds the lock gets
 *   `ERR_LOCK_DEADLOCK`.
 * - The holder's thread is recorded: `release()` from another thread throws `ERR_LOCK_NOT_OWNER`.
 * - Ownership is per thread: two async tasks of one thread are told apart only by their tokens.
 * - Robust (POSIX EOWNERDEAD): a thread that died holding or waiting for it leaves it wedged
 *   until someone who knows it is dead calls `recoverDeadThread(threadId)`; the next holder then
 *   sees `ownerDied` (the data it protects may be half-updated) until it unlocks or calls
 *   `markConsistent()`.
 */
export class SharedMutex extends SharedLock<'SharedMutex'> {
  readonly #engine: TicketLock;
  /**
   * The token of the last grant this instance made, for the token-less `release()`: the holder
   * is always this thread, so while this thread holds the lock through this instance, it is
   * that hold's token (a Condition wait gives the same token a new ticket), and `release()`
   * ends the hold through it — observed like `unlock()`, and the token reads unlocked after.
   */
  #lastGrant: LockToken | undefined = undefined;

  constructor(options?: SharedLockOptions) {
    super(openShared('SharedMutex', options, createBuffer));
    this.#engine = new TicketLock(this.cells, HEADER_WORDS, this.clock);
  }

  /** Rebuilds the mutex another thread created, from its `handle`. */
  static from(handle: SharedMutexHandle, options?: AdoptOptions): SharedMutex {
    return adoptShared(
      'SharedMutex',
      handle,
      (cells) => TicketLock.words(TicketLock.slotCountOf(cells, HEADER_WORDS)),
      () => new SharedMutex(options),
    );
  }

  get locked(): boolean {
    return this.#engine.owner !== 0;
  }

  /** threadId of the holder, or undefined when free. */
  get holderThreadId(): number | undefined {
    const owner = this.#engine.owner;
    return owner === 0 ? undefined : owner - 1;
  }

  /**
   * Recovery after a thread died (a worker's 'exit' event fired; its `threadId` as seen from
   * outside): a hold it left is released on its behalf — the next live waiter gets the lock and
   * sees `ownerDied` — and its tickets still in line are abandoned, so releases skip them.
   * A thread that had nothing to do with the lock changes nothing. Call it only for a thread
   * that is really gone: recovering a live holder would let a second thread in.
   * Costs nothing on acquire/release: it only runs when called. See TicketLock#recoverDeadThread
   * for why it is race-free against live threads and for the deaths it cannot see.
   */
  recoverDeadThread(threadId: number): DeadThreadRecovery {
    const dead = validate.integer(threadId, 'threadId', 0);
    if (dead + 1 === THREAD_TAG) {
      validate.fail('threadId', "another thread's id (this thread is alive)", threadId);
    }
    return this.#engine.recoverDeadThread(dead + 1);
  }

  /**
   * True for the holder that got the lock from a recovery (its previous holder died inside the
   * critical section): repair or check the data, then `markConsistent()` — or just release, as
   * the next holder no longer sees it. False for anyone not holding the lock.
   */
  get ownerDied(): boolean {
    return this.#engine.owner === THREAD_TAG && this.#engine.isHeir(this.#engine.serving);
  }

  /** The holder says the protected data is consistent again: `ownerDied` turns false. */
  markConsistent(): void {
    if (this.#engine.owner !== THREAD_TAG) {
      throw new NotOwnerError(`${this.name} is not held by ${threadLabel(THREAD_TAG)}`);
    }
    this.#engine.clearHeir();
  }

  tryAcquire(): UnlockToken | null {
    const ticket = this.#engine.tryLock();
    return ticket === null ? null : this.#granted(ticket, NaN);
  }

  /**
   * Releases the lock this thread holds, without its token (Python's `release()`). The hold's
   * token then reads unlocked, and the release is reported to observers as `unlock()` would be.
   */
  release(): void {
    const owner = this.#engine.owner;
    if (owner !== THREAD_TAG) {
      throw new NotOwnerError(
        owner === 0
          ? `${this.name} is not locked`
          : `${this.name} is held by ${threadLabel(owner)}, not by ${threadLabel(THREAD_TAG)}`,
      );
    }
    const held = this.#lastGrant;
    if (held !== undefined && held.locked && held.ticket === this.#engine.serving) {
      held.unlock();
      return;
    }
    // Held through another instance of this thread (SharedMutex.from twice): its token is not
    // known here, so the hold ends unobserved and that token reads locked until unlocked.
    this.#engine.unlock(this.#engine.serving);
  }

  [kReleaseToken](token: LockToken): boolean {
    if (token === this.#lastGrant) this.#lastGrant = undefined; // keep no token alive
    // Already released (by release() through another instance of this thread, or recovered)?
    // Then the lock (or its next holder) is not ours to free.
    if (this.#engine.owner !== THREAD_TAG || this.#engine.serving !== token.ticket) return false;
    this.#engine.unlock(token.ticket);
    if (this.instrument.active && token.acquiredAt !== undefined) {
      this.instrument.released(performance.now() - token.acquiredAt);
    }
    return true;
  }

  protected abortedAtOnce(): void {
    this.#engine.recordGiveUp('abort');
  }

  protected timedOutAtOnce(): LockTimeoutError {
    this.#engine.recordGiveUp('timeout');
    return this.#timedOut(0, NaN);
  }

  /** A thread that holds the lock and blocks for it again gets ERR_LOCK_DEADLOCK, not a hang. */
  protected acquireBlocking(timeout: number): UnlockToken {
    if (this.#engine.owner === THREAD_TAG) throw selfDeadlock(this.name);
    const started = this.instrument.active ? performance.now() : NaN;
    // A zero timeout is a try: no ticket is taken (and abandoned) just to give up.
    const ticket = timeout === 0 ? this.#engine.tryLock() : this.#engine.lockSync(timeout);
    if (ticket === null) {
      if (timeout === 0) this.#engine.recordGiveUp('timeout');
      throw this.#timedOut(timeout, started);
    }
    return this.#granted(ticket, started);
  }

  protected async acquireAsync(
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<UnlockToken> {
    const started = this.instrument.active ? performance.now() : NaN;
    const outcome = await this.#engine.lockAsync(timeout, signal);
    if (outcome === 'timeout') throw this.#timedOut(timeout, started);
    if (outcome === 'aborted') {
      if (!Number.isNaN(started)) this.instrument.gaveUp(performance.now() - started, 'abort');
      throw signal?.reason;
    }
    return this.#granted(outcome, started);
  }

  /** For SharedCondition, which lends the mutex away while it waits. */
  get [kTicketLock](): TicketLock {
    return this.#engine;
  }

  /** For SharedCondition: `token` holds the lock again (another task may have held it since). */
  [kHeldAgain](token: LockToken): void {
    this.#lastGrant = token;
  }

  get stats(): LockStats {
    const holders = this.#engine.owner === 0 ? 0 : 1;
    const stats = this.snapshot(holders, this.#engine.counters(), this.#waiters());
    return Object.freeze({ ...stats, recoveries: this.#engine.recoveries });
  }

  inspect(): LockInspection {
    const owner = this.#engine.owner;
    const since = this.#engine.ownerSince;
    const now = this.clock.now();
    const holder =
      since === 0
        ? { id: threadLabel(owner) }
        : { id: threadLabel(owner), heldMs: this.clock.ageMs(since, now) };
    return this.inspection(owner === 0 ? [] : [holder], this.#waiters(), undefined, now);
  }

  /**
   * The ticket holders waiting in line, oldest first, then the arrivals waiting for a ticket
   * (all N waiting tickets taken) as one counted group: they are behind every ticket in line.
   */
  #waiters(): SharedWaiter[] {
    const waiters: SharedWaiter[] = this.#engine.waiters();
    const window = this.#engine.windowWaiters();
    if (window !== null) waiters.push({ thread: 0, since: window.since, threads: window.threads });
    return waiters;
  }

  #granted(ticket: number, started: number): LockToken {
    let now = NaN;
    if (this.instrument.active) {
      now = performance.now();
      this.instrument.acquired(Number.isNaN(started) ? 0 : now - started);
    }
    const token = new LockToken(this, undefined, 0, Number.isNaN(now) ? undefined : now, ticket);
    this.#lastGrant = token;
    return token;
  }

  #timedOut(timeout: number, started: number): LockTimeoutError {
    if (this.instrument.active) {
      this.instrument.gaveUp(Number.isNaN(started) ? 0 : performance.now() - started, 'timeout');
    }
    return new LockTimeoutError(this.name, timeout);
  }
}
