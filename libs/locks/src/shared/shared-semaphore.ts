import {
  parseSyncWaitOptions,
  parseWaitOptions,
  type AcquireOptions,
  type SyncAcquireOptions,
} from '../common/acquire-options';
import type { AsyncLock } from '../common/async-lock';
import { LockInstrument } from '../common/lock-observer';
import { parseLockOptions } from '../common/lock-options';
import type { LockInspection, LockStats } from '../common/lock-stats';
import {
  kReleaseToken,
  LockToken,
  type TokenIssuer,
  type UnlockToken,
} from '../common/unlock-token';
import { validateFunction, validateInteger, validateObject } from '../common/validate';
import { InvalidArgumentError, OverReleaseError } from '../errors';
import { deadlineAfter } from './atomic-wait';
import { GuardedSection } from './guarded-section';
import { createSharedBuffer, HEADER_WORDS, SharedClock } from './shared-clock';
import { checkBufferSize, validateHandle, type SharedHandle } from './shared-handle';
import type { AdoptOptions, SharedLockOptions } from './shared-mutex';
import { assertMayBlock, threadLabel } from './thread-identity';
import { TicketLock } from './ticket-lock';
import { SharedTally, TALLY_WORDS } from './shared-tally';
import { slotCount } from './ticket-slot';
import { WaiterRing } from './waiter-ring';

/*
 * SharedSemaphore buffer (Int32 cells after the 8-byte epoch header):
 *
 *   ┌───────┬──────┬─────────┬───────┬───────────────────────────┬───────┬────────────────┐
 *   │ value │ held │ pending │ bound │ tally (4, shared-tally.ts) │ guard │ waiter ring    │
 *   └───────┴──────┴─────────┴───────┴───────────────────────────┴───────┴────────────────┘
 *   guard: a ticket lock with 16 slots; waiter ring: N slots (maxWaiters).
 *
 * - value: free permits. Taken lock-free (CAS) while positive; it is only ever raised when no
 *   live waiter is queued (pending permits go to waiters first), so value > 0 implies an empty
 *   queue and the lock-free take never overtakes a waiter: FIFO holds.
 * - pending: released permits not yet handed out (see guarded-section.ts).
 * - bound: 0, or the most permits it may hold (bounded semaphore).
 */
const VALUE = HEADER_WORDS;
const HELD = VALUE + 1;
const PENDING = VALUE + 2;
const BOUND = VALUE + 3;
const TALLY = VALUE + 4;
const GUARD = TALLY + TALLY_WORDS;
const GUARD_SLOTS = 16;
const RING = GUARD + TicketLock.words(GUARD_SLOTS);
const MAX_PERMITS = 2 ** 31 - 1;

export type SharedSemaphoreHandle = SharedHandle<'SharedSemaphore'>;

export interface SharedSemaphoreOptions extends SharedLockOptions {
  /** @default 1 */
  readonly permits?: number;
  /**
   * Refuse (`ERR_OVER_RELEASE`) to hold more permits than `permits`, like Python's BoundedSemaphore.
   * @default false
   */
  readonly bounded?: boolean;
}

let adopting: SharedSemaphoreHandle | undefined;

/**
 * A counting semaphore across worker threads (Python's `threading.Semaphore`, or with
 * `bounded: true` its `BoundedSemaphore`). FIFO: a released permit goes to the oldest waiting
 * thread. Permits are not owned: any thread may `release()`; tokens give back what they took.
 */
export class SharedSemaphore implements AsyncLock, TokenIssuer {
  readonly name: string;
  readonly kind = 'SharedSemaphore' as const;
  readonly handle: SharedSemaphoreHandle;
  readonly #cells: Int32Array;
  readonly #clock: SharedClock;
  readonly #ring: WaiterRing;
  readonly #section: GuardedSection;
  readonly #tally: SharedTally;

  constructor(options?: SharedSemaphoreOptions) {
    const adopted = adopting;
    adopting = undefined;
    const { name, observer, record } = parseLockOptions(
      adopted === undefined ? options : { observer: options?.observer, name: adopted.name },
      'SharedSemaphore',
    );
    let buffer: SharedArrayBuffer;
    if (adopted === undefined) {
      const permits =
        record['permits'] === undefined
          ? 1
          : validateInteger(record['permits'], 'permits', 0, MAX_PERMITS);
      const bounded = record['bounded'];
      if (bounded !== undefined && typeof bounded !== 'boolean') {
        throw new InvalidArgumentError(
          `Expected \`bounded\` to be a boolean, got \`${String(bounded)}\``,
        );
      }
      if (bounded === true && permits === 0) {
        throw new InvalidArgumentError(
          'Expected `permits` of a bounded semaphore to be from 1, got `0`',
        );
      }
      const slots = slotCount(record['maxWaiters']);
      buffer = createSharedBuffer(RING - HEADER_WORDS + WaiterRing.words(slots));
      const cells = new Int32Array(buffer);
      cells[VALUE] = permits;
      cells[BOUND] = bounded === true ? permits : 0;
      TicketLock.initialize(cells, GUARD, GUARD_SLOTS);
      WaiterRing.initialize(cells, RING, slots);
    } else {
      buffer = adopted.buffer;
    }
    this.name = name;
    this.handle = Object.freeze({ kind: 'SharedSemaphore', name, buffer });
    this.#cells = new Int32Array(buffer);
    this.#clock = new SharedClock(buffer);
    this.#ring = new WaiterRing(this.#cells, RING, this.#clock);
    this.#section = new GuardedSection(
      new TicketLock(this.#cells, GUARD, this.#clock),
      () => Atomics.load(this.#cells, PENDING) !== 0,
      () => this.#applyPending(),
    );
    this.#tally = new SharedTally(
      this.#cells,
      TALLY,
      new LockInstrument(name, 'SharedSemaphore', observer),
    );
  }

  static from(handle: SharedSemaphoreHandle, options?: AdoptOptions): SharedSemaphore {
    const valid = validateHandle(handle, 'SharedSemaphore');
    validateObject(options, 'options');
    const slots = WaiterRing.slotCountOf(new Int32Array(valid.buffer), RING);
    checkBufferSize(valid, (RING + WaiterRing.words(slots)) * 4);
    adopting = valid;
    try {
      return new SharedSemaphore(options);
    } finally {
      adopting = undefined;
    }
  }

  /** Free permits right now. */
  get value(): number {
    return Atomics.load(this.#cells, VALUE);
  }

  /** The most permits it may hold, or undefined when unbounded. */
  get bound(): number | undefined {
    const bound = Atomics.load(this.#cells, BOUND);
    return bound === 0 ? undefined : bound;
  }

  tryAcquire(): UnlockToken | null {
    return this.#takeFree() ? this.#granted(NaN, false) : null;
  }

  acquire(options?: AcquireOptions): Promise<UnlockToken> {
    try {
      const { timeout, signal } = parseWaitOptions(options);
      if (signal?.aborted) {
        this.#tally.aborted(NaN);
        throw signal.reason;
      }
      if (this.#takeFree()) return Promise.resolve(this.#granted(NaN, false));
      if (timeout === 0) throw this.#tally.timedOut(0, NaN);
      return this.#acquireAsync(timeout, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** Blocks until a permit is granted. Worker threads only. */
  acquireSync(options?: SyncAcquireOptions): UnlockToken {
    const timeout = parseSyncWaitOptions(options);
    assertMayBlock(`${this.name}.acquireSync()`);
    if (this.#takeFree()) return this.#granted(NaN, false);
    if (timeout === 0) throw this.#tally.timedOut(0, NaN);
    const started = this.#tally.start();
    const deadline = deadlineAfter(timeout);
    const inside = this.#section.enterSync();
    const ticket = this.#takeFree() ? undefined : this.#ring.register(0);
    this.#section.leave(inside);
    if (ticket === undefined) return this.#granted(started, false);
    if (ticket === null) throw this.#ring.full(this.name);
    if (this.#ring.waitSync(ticket, deadline) === 'timeout') {
      throw this.#tally.timedOut(timeout, started);
    }
    return this.#granted(started, true);
  }

  async withLock<T>(fn: () => T | PromiseLike<T>, options?: AcquireOptions): Promise<Awaited<T>> {
    validateFunction(fn, 'fn');
    using _token = await this.acquire(options);
    return await fn();
  }

  withLockSync<T>(fn: () => T, options?: SyncAcquireOptions): T {
    validateFunction(fn, 'fn');
    using _token = this.acquireSync(options);
    return fn();
  }

  /** Adds `count` permits, oldest waiters first. Never waits, on any thread. */
  release(count = 1): void {
    validateInteger(count, 'count', 1, MAX_PERMITS);
    this.#addPending(count);
    this.#section.settle();
  }

  [kReleaseToken](token: LockToken): void {
    this.#addPending(1);
    Atomics.sub(this.#cells, HELD, 1);
    this.#tally.released(token.acquiredAt);
    this.#section.settle();
  }

  get stats(): LockStats {
    const cells = this.#cells;
    const waiters = this.#ring.waiters();
    return Object.freeze({
      name: this.name,
      kind: this.kind,
      holders: Math.max(0, Atomics.load(cells, HELD)),
      waiters: waiters.length,
      ...this.#tally.counts(),
      oldestWaiterMs: waiters.reduce((age, w) => Math.max(age, this.#clock.ageMs(w.since)), 0),
    });
  }

  inspect(): LockInspection {
    return {
      name: this.name,
      kind: this.kind,
      holders: Array.from({ length: Math.max(0, Atomics.load(this.#cells, HELD)) }, () => ({
        id: 'permit',
      })),
      waiters: this.#ring.waiters().map((waiter) => ({
        id: threadLabel(waiter.thread),
        waitedMs: this.#clock.ageMs(waiter.since),
      })),
    };
  }

  async #acquireAsync(timeout: number, signal: AbortSignal | undefined): Promise<UnlockToken> {
    const started = this.#tally.start();
    const deadline = deadlineAfter(timeout);
    const inside = await this.#section.enter();
    const ticket = this.#takeFree() ? undefined : this.#ring.register(0);
    this.#section.leave(inside);
    if (ticket === undefined) return this.#granted(started, false);
    if (ticket === null) throw this.#ring.full(this.name);
    const outcome = await this.#ring.waitAsync(ticket, deadline, signal);
    if (outcome === 'timeout') throw this.#tally.timedOut(timeout, started);
    if (outcome === 'aborted') {
      this.#tally.aborted(started);
      throw signal?.reason;
    }
    return this.#granted(started, true);
  }

  /** Lock-free take of a free permit; see the layout comment for why it keeps FIFO. */
  #takeFree(): boolean {
    const cells = this.#cells;
    for (let value = Atomics.load(cells, VALUE); value > 0; value = Atomics.load(cells, VALUE)) {
      if (Atomics.compareExchange(cells, VALUE, value, value - 1) === value) return true;
    }
    return false;
  }

  /**
   * Records released permits. A bounded semaphore checks value + pending + count against its
   * bound with a CAS loop, so a refused release never inflates `pending` even for a moment
   * (which could make a concurrent, legitimate release look like an over-release).
   */
  #addPending(count: number): void {
    const cells = this.#cells;
    const bound = Atomics.load(cells, BOUND);
    if (bound === 0) {
      Atomics.add(cells, PENDING, count);
      return;
    }
    for (;;) {
      const pending = Atomics.load(cells, PENDING);
      if (Atomics.load(cells, VALUE) + pending + count > bound) {
        throw new OverReleaseError(this.name, bound);
      }
      if (Atomics.compareExchange(cells, PENDING, pending, pending + count) === pending) return;
    }
  }

  /** Under the guard: released permits go to waiters, oldest first; the rest become free. */
  #applyPending(): void {
    let permits = Atomics.exchange(this.#cells, PENDING, 0);
    while (permits > 0 && this.#ring.grantNext()) permits--;
    if (permits > 0) Atomics.add(this.#cells, VALUE, permits);
  }

  #granted(started: number, contended: boolean): LockToken {
    Atomics.add(this.#cells, HELD, 1);
    return new LockToken(this, undefined, 0, this.#tally.granted(started, contended));
  }
}
