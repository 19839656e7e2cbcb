import {
  parseSyncWaitOptions,
  parseWaitOptions,
  type AcquireOptions,
  type SyncAcquireOptions,
} from '../common/acquire-options';
import type { AsyncLock } from '../common/async-lock';
import { LockInstrument, type LockObserver } from '../common/lock-observer';
import { parseLockOptions, type LockOptions } from '../common/lock-options';
import type { LockInspection, LockStats } from '../common/lock-stats';
import {
  kReleaseToken,
  LockToken,
  type TokenIssuer,
  type UnlockToken,
} from '../common/unlock-token';
import { validateFunction, validateObject } from '../common/validate';
import { DeadlockError, LockTimeoutError, NotOwnerError } from '../errors';
import { checkBufferSize, validateHandle, type SharedHandle } from './shared-handle';
import { createSharedBuffer, HEADER_WORDS, SharedClock } from './shared-clock';
import { assertMayBlock, THREAD_TAG, threadLabel } from './thread-identity';
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

/** Options when rebuilding from a handle in another thread (the layout is the creator's). */
export interface AdoptOptions {
  /** This thread's hook for this lock. */
  readonly observer?: LockObserver;
}

/** Internal access for SharedCondition, which lends the mutex away while waiting. */
export const kTicketLock: unique symbol = Symbol('locks.ticketLock');

let adopting: SharedMutexHandle | undefined;

/**
 * A mutex across worker threads: TC39 `Atomics.Mutex` in spirit, built on a SharedArrayBuffer.
 * Create it in one thread, send `mutex.handle` to others, rebuild with `SharedMutex.from`.
 *
 * - FIFO (a ticket lock): threads get it in arrival order; nobody barges in.
 * - `acquire()` never blocks (Atomics.waitAsync): the one for the main thread and async code.
 *   `acquireSync()` blocks with Atomics.wait: workers only (the main thread gets
 *   `ERR_MAIN_THREAD_WAIT`), and a thread that already holds the lock gets `ERR_DEADLOCK`.
 * - The holder's thread is recorded: `release()` from another thread throws `ERR_NOT_OWNER`.
 * - Ownership is per thread: two async tasks of one thread are told apart only by their tokens.
 */
export class SharedMutex implements AsyncLock, TokenIssuer {
  readonly name: string;
  readonly kind = 'SharedMutex' as const;
  /** Plain data to `postMessage` to another thread. */
  readonly handle: SharedMutexHandle;
  readonly #engine: TicketLock;
  readonly #clock: SharedClock;
  readonly #instrument: LockInstrument;

  constructor(options?: SharedLockOptions) {
    const adopted = adopting;
    adopting = undefined;
    const { name, observer, record } = parseLockOptions(
      adopted === undefined ? options : { observer: options?.observer, name: adopted.name },
      'SharedMutex',
    );
    let buffer: SharedArrayBuffer;
    if (adopted === undefined) {
      const slots = slotCount(record['maxWaiters']);
      buffer = createSharedBuffer(TicketLock.words(slots));
      TicketLock.initialize(new Int32Array(buffer), HEADER_WORDS, slots);
    } else {
      buffer = adopted.buffer;
    }
    this.name = name;
    this.handle = Object.freeze({ kind: 'SharedMutex', name, buffer });
    this.#clock = new SharedClock(buffer);
    this.#engine = new TicketLock(new Int32Array(buffer), HEADER_WORDS, this.#clock);
    this.#instrument = new LockInstrument(name, 'SharedMutex', observer);
  }

  /** Rebuilds the mutex another thread created, from its `handle`. */
  static from(handle: SharedMutexHandle, options?: AdoptOptions): SharedMutex {
    const valid = validateHandle(handle, 'SharedMutex');
    validateObject(options, 'options');
    const slots = TicketLock.slotCountOf(new Int32Array(valid.buffer), HEADER_WORDS);
    checkBufferSize(valid, (HEADER_WORDS + TicketLock.words(slots)) * 4);
    adopting = valid;
    try {
      return new SharedMutex(options);
    } finally {
      adopting = undefined;
    }
  }

  get locked(): boolean {
    return this.#engine.owner !== 0;
  }

  /** threadId of the holder, or undefined when free. */
  get holderThreadId(): number | undefined {
    const owner = this.#engine.owner;
    return owner === 0 ? undefined : owner - 1;
  }

  tryAcquire(): UnlockToken | null {
    const ticket = this.#engine.tryLock();
    return ticket === null ? null : this.#granted(ticket, NaN);
  }

  acquire(options?: AcquireOptions): Promise<UnlockToken> {
    try {
      const { timeout, signal } = parseWaitOptions(options);
      if (signal?.aborted) {
        this.#engine.recordGiveUp('abort');
        throw signal.reason;
      }
      const ticket = this.#engine.tryLock();
      if (ticket !== null) return Promise.resolve(this.#granted(ticket, NaN));
      if (timeout === 0) {
        this.#engine.recordGiveUp('timeout');
        throw this.#timedOut(0, NaN);
      }
      return this.#acquireAsync(timeout, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Blocks until granted. Worker threads only. */
  acquireSync(options?: SyncAcquireOptions): UnlockToken {
    const timeout = parseSyncWaitOptions(options);
    assertMayBlock(`${this.name}.acquireSync()`);
    if (this.#engine.owner === THREAD_TAG) {
      const self = threadLabel(THREAD_TAG);
      throw new DeadlockError([{ owner: self, lock: this.name, heldBy: self }]);
    }
    const started = this.#instrument.active ? performance.now() : NaN;
    // A zero timeout is a try: no ticket is taken (and abandoned) just to give up.
    const ticket = timeout === 0 ? this.#engine.tryLock() : this.#engine.lockSync(timeout);
    if (ticket === null) {
      if (timeout === 0) this.#engine.recordGiveUp('timeout');
      throw this.#timedOut(timeout, started);
    }
    return this.#granted(ticket, started);
  }

  async withLock<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>> {
    validateFunction(fn, 'fn');
    using _token = await this.acquire(options);
    return await fn();
  }

  /** Runs `fn` holding the lock, blocking to get it. Worker threads only. */
  withLockSync<T>(fn: () => T, options?: SyncAcquireOptions): T {
    validateFunction(fn, 'fn');
    using _token = this.acquireSync(options);
    return fn();
  }

  /** Releases the lock this thread holds, without its token (Python's `release()`). */
  release(): void {
    const owner = this.#engine.owner;
    if (owner !== THREAD_TAG) {
      throw new NotOwnerError(
        owner === 0
          ? `${this.name} is not locked`
          : `${this.name} is held by ${threadLabel(owner)}, not by ${threadLabel(THREAD_TAG)}`,
      );
    }
    this.#engine.unlock(this.#engine.serving);
  }

  [kReleaseToken](token: LockToken): boolean {
    // Already released through release()? Then the lock (or its next holder) is not ours to free.
    if (this.#engine.owner !== THREAD_TAG || this.#engine.serving !== token.ticket) return false;
    this.#engine.unlock(token.ticket);
    if (this.#instrument.active && token.acquiredAt !== undefined) {
      this.#instrument.released(performance.now() - token.acquiredAt);
    }
    return true;
  }

  get [kTicketLock](): TicketLock {
    return this.#engine;
  }

  get stats(): LockStats {
    const waiters = this.#engine.waiters();
    return Object.freeze({
      name: this.name,
      kind: this.kind,
      holders: this.#engine.owner === 0 ? 0 : 1,
      waiters: waiters.length,
      ...this.#engine.counters(),
      oldestWaiterMs: waiters.reduce((age, w) => Math.max(age, this.#clock.ageMs(w.since)), 0),
    });
  }

  inspect(): LockInspection {
    const owner = this.#engine.owner;
    const since = this.#engine.ownerSince;
    return {
      name: this.name,
      kind: this.kind,
      holders:
        owner === 0
          ? []
          : [
              since === 0
                ? { id: threadLabel(owner) }
                : { id: threadLabel(owner), heldMs: this.#clock.ageMs(since) },
            ],
      waiters: this.#engine.waiters().map((waiter) => ({
        id: threadLabel(waiter.thread),
        waitedMs: this.#clock.ageMs(waiter.since),
      })),
    };
  }

  async #acquireAsync(timeout: number, signal: AbortSignal | undefined): Promise<UnlockToken> {
    const started = this.#instrument.active ? performance.now() : NaN;
    const outcome = await this.#engine.lockAsync(timeout, signal);
    if (outcome === 'timeout') throw this.#timedOut(timeout, started);
    if (outcome === 'aborted') {
      if (!Number.isNaN(started)) this.#instrument.gaveUp(performance.now() - started, 'abort');
      throw signal?.reason;
    }
    return this.#granted(outcome, started);
  }

  #granted(ticket: number, started: number): LockToken {
    let now = NaN;
    if (this.#instrument.active) {
      now = performance.now();
      this.#instrument.acquired(Number.isNaN(started) ? 0 : now - started);
    }
    return new LockToken(this, undefined, 0, Number.isNaN(now) ? undefined : now, ticket);
  }

  #timedOut(timeout: number, started: number): LockTimeoutError {
    if (this.#instrument.active) {
      this.#instrument.gaveUp(Number.isNaN(started) ? 0 : performance.now() - started, 'timeout');
    }
    return new LockTimeoutError(this.name, timeout);
  }
}
