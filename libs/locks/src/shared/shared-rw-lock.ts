import {
  parseSyncWaitOptions,
  parseWaitOptions,
  type AcquireOptions,
  type SyncAcquireOptions,
} from '../common/acquire-options';
import { LockInstrument } from '../common/lock-observer';
import { parseLockOptions } from '../common/lock-options';
import type { HolderInfo, LockInspection, LockStats } from '../common/lock-stats';
import { SyncLockView } from '../common/lock-view';
import {
  kReleaseToken,
  LockToken,
  type TokenIssuer,
  type UnlockToken,
} from '../common/unlock-token';
import { validateFunction, validateObject } from '../common/validate';
import { DeadlockError } from '../errors';
import { deadlineAfter } from './atomic-wait';
import { GuardedSection } from './guarded-section';
import { createSharedBuffer, HEADER_WORDS, SharedClock } from './shared-clock';
import { checkBufferSize, validateHandle, type SharedHandle } from './shared-handle';
import type { AdoptOptions, SharedLockOptions } from './shared-mutex';
import { assertMayBlock, THREAD_TAG, threadLabel } from './thread-identity';
import { TicketLock } from './ticket-lock';
import { SharedTally, TALLY_WORDS } from './shared-tally';
import { slotCount } from './ticket-slot';
import { WaiterRing } from './waiter-ring';

/*
 * SharedRWLock buffer (Int32 cells after the 8-byte epoch header):
 *
 *   ┌─────────┬────────┬──────────────┬───────────────┬───────────┬───────┬─────────────┐
 *   │ readers │ writer │ pendingReads │ pendingWrites │ tally (4) │ guard │ waiter ring │
 *   └─────────┴────────┴──────────────┴───────────────┴───────────┴───────┴─────────────┘
 *   guard: ticket lock, 16 slots; ring: N slots, mode = read/write; tally: shared-tally.ts.
 *
 * Every state change happens under the guard; releases only bump pendingReads/pendingWrites
 * and are applied by whoever holds the guard (guarded-section.ts), so they never wait.
 * writer: THREAD_TAG of the writing thread, 0 when none.
 */
const READERS = HEADER_WORDS;
const WRITER = READERS + 1;
const PENDING_READS = READERS + 2;
const PENDING_WRITES = READERS + 3;
const TALLY = READERS + 4;
const GUARD = TALLY + TALLY_WORDS;
const GUARD_SLOTS = 16;
const RING = GUARD + TicketLock.words(GUARD_SLOTS);

const READ = 1;
const WRITE = 2;

export type SharedRWLockHandle = SharedHandle<'SharedRWLock'>;

let adopting: SharedRWLockHandle | undefined;

/**
 * A readers-writer lock across worker threads, with the in-loop RWLock's policy: FIFO and
 * phase-fair (readers at the head enter together; a waiting writer holds back later readers;
 * readers queued behind a writer enter together after it).
 *
 * A thread that holds the write lock and blocks for it again gets `ERR_DEADLOCK`. Readers are
 * counted, not named, so a reader that blocks to upgrade to writing is not detected (it hangs,
 * and the watchdog reports it).
 */
export class SharedRWLock implements TokenIssuer {
  readonly name: string;
  readonly kind = 'SharedRWLock' as const;
  readonly handle: SharedRWLockHandle;
  readonly read: SyncLockView;
  readonly write: SyncLockView;
  readonly #cells: Int32Array;
  readonly #clock: SharedClock;
  readonly #ring: WaiterRing;
  readonly #section: GuardedSection;
  readonly #tally: SharedTally;

  constructor(options?: SharedLockOptions) {
    const adopted = adopting;
    adopting = undefined;
    const { name, observer, record } = parseLockOptions(
      adopted === undefined ? options : { observer: options?.observer, name: adopted.name },
      'SharedRWLock',
    );
    let buffer: SharedArrayBuffer;
    if (adopted === undefined) {
      const slots = slotCount(record['maxWaiters']);
      buffer = createSharedBuffer(RING - HEADER_WORDS + WaiterRing.words(slots));
      const cells = new Int32Array(buffer);
      TicketLock.initialize(cells, GUARD, GUARD_SLOTS);
      WaiterRing.initialize(cells, RING, slots);
    } else {
      buffer = adopted.buffer;
    }
    this.name = name;
    this.handle = Object.freeze({ kind: 'SharedRWLock', name, buffer });
    this.#cells = new Int32Array(buffer);
    this.#clock = new SharedClock(buffer);
    this.#ring = new WaiterRing(this.#cells, RING, this.#clock);
    this.#section = new GuardedSection(
      new TicketLock(this.#cells, GUARD, this.#clock),
      () =>
        Atomics.load(this.#cells, PENDING_READS) !== 0 ||
        Atomics.load(this.#cells, PENDING_WRITES) !== 0,
      () => this.#applyPending(),
    );
    this.#tally = new SharedTally(
      this.#cells,
      TALLY,
      new LockInstrument(name, 'SharedRWLock', observer),
    );
    this.read = this.#view(READ);
    this.write = this.#view(WRITE);
  }

  static from(handle: SharedRWLockHandle, options?: AdoptOptions): SharedRWLock {
    const valid = validateHandle(handle, 'SharedRWLock');
    validateObject(options, 'options');
    const slots = WaiterRing.slotCountOf(new Int32Array(valid.buffer), RING);
    checkBufferSize(valid, (RING + WaiterRing.words(slots)) * 4);
    adopting = valid;
    try {
      return new SharedRWLock(options);
    } finally {
      adopting = undefined;
    }
  }

  /** Readers inside now (releases not yet applied may still be counted). */
  get readers(): number {
    return Atomics.load(this.#cells, READERS);
  }

  /** threadId of the writer inside, or undefined. */
  get writerThreadId(): number | undefined {
    const writer = Atomics.load(this.#cells, WRITER);
    return writer === 0 ? undefined : writer - 1;
  }

  [kReleaseToken](token: LockToken): void {
    Atomics.add(this.#cells, token.mode === WRITE ? PENDING_WRITES : PENDING_READS, 1);
    this.#tally.released(token.acquiredAt);
    this.#section.settle();
  }

  get stats(): LockStats {
    const cells = this.#cells;
    const waiters = this.#ring.waiters();
    return Object.freeze({
      name: this.name,
      kind: this.kind,
      holders: Atomics.load(cells, READERS) + (Atomics.load(cells, WRITER) === 0 ? 0 : 1),
      waiters: waiters.length,
      ...this.#tally.counts(),
      oldestWaiterMs: waiters.reduce((age, w) => Math.max(age, this.#clock.ageMs(w.since)), 0),
    });
  }

  inspect(): LockInspection {
    const writer = Atomics.load(this.#cells, WRITER);
    const holders: HolderInfo[] = Array.from(
      { length: Atomics.load(this.#cells, READERS) },
      () => ({ id: 'reader' }),
    );
    if (writer !== 0) holders.unshift({ id: `${threadLabel(writer)} (write)` });
    return {
      name: this.name,
      kind: this.kind,
      holders,
      waiters: this.#ring.waiters().map((waiter) => ({
        id: threadLabel(waiter.thread),
        waitedMs: this.#clock.ageMs(waiter.since),
        mode: waiter.mode === WRITE ? 'write' : 'read',
      })),
    };
  }

  #tryAcquire(mode: number): UnlockToken | null {
    const inside = this.#section.tryEnter();
    if (inside === null) return null;
    const taken = this.#take(mode);
    this.#section.leave(inside);
    return taken ? this.#granted(mode, NaN, false) : null;
  }

  #acquire(mode: number, options: AcquireOptions | undefined): Promise<UnlockToken> {
    try {
      const { timeout, signal } = parseWaitOptions(options);
      if (signal?.aborted) {
        this.#tally.aborted(NaN);
        throw signal.reason;
      }
      return this.#acquireAsync(mode, timeout, signal);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  async #acquireAsync(
    mode: number,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<UnlockToken> {
    const started = this.#tally.start();
    const deadline = deadlineAfter(timeout);
    const inside = await this.#section.enter();
    const taken = this.#take(mode);
    const ticket = taken || timeout === 0 ? undefined : this.#ring.register(mode);
    this.#section.leave(inside);
    if (taken) return this.#granted(mode, started, false);
    if (ticket === undefined) throw this.#tally.timedOut(0, started);
    if (ticket === null) throw this.#ring.full(this.name);
    const outcome = await this.#ring.waitAsync(ticket, deadline, signal);
    if (outcome === 'timeout') throw this.#tally.timedOut(timeout, started);
    if (outcome === 'aborted') {
      this.#tally.aborted(started);
      throw signal?.reason;
    }
    return this.#granted(mode, started, true);
  }

  #acquireSync(mode: number, options: SyncAcquireOptions | undefined): UnlockToken {
    const timeout = parseSyncWaitOptions(options);
    assertMayBlock(`${this.name}.${mode === WRITE ? 'write' : 'read'}.acquireSync()`);
    const started = this.#tally.start();
    const deadline = deadlineAfter(timeout);
    const inside = this.#section.enterSync();
    const taken = this.#take(mode);
    // Blocking for write while this thread writes can never end: its own release cannot run.
    const selfDeadlock =
      !taken && mode === WRITE && Atomics.load(this.#cells, WRITER) === THREAD_TAG;
    const ticket = taken || selfDeadlock || timeout === 0 ? undefined : this.#ring.register(mode);
    this.#section.leave(inside);
    if (taken) return this.#granted(mode, started, false);
    if (selfDeadlock) {
      const self = threadLabel(THREAD_TAG);
      throw new DeadlockError([{ owner: self, lock: this.name, heldBy: self }]);
    }
    if (ticket === undefined) throw this.#tally.timedOut(0, started);
    if (ticket === null) throw this.#ring.full(this.name);
    if (this.#ring.waitSync(ticket, deadline) === 'timeout')
      throw this.#tally.timedOut(timeout, started);
    return this.#granted(mode, started, true);
  }

  /** Under the guard: takes the lock now if policy allows (nobody queued, compatible holders). */
  #take(mode: number): boolean {
    const cells = this.#cells;
    if (Atomics.load(cells, WRITER) !== 0 || this.#ring.head() !== null) return false;
    if (mode === WRITE) {
      if (Atomics.load(cells, READERS) !== 0) return false;
      Atomics.store(cells, WRITER, THREAD_TAG);
    } else {
      Atomics.add(cells, READERS, 1);
    }
    return true;
  }

  /** Under the guard: applies releases, then grants from the head while policy allows. */
  #applyPending(): void {
    const cells = this.#cells;
    const reads = Atomics.exchange(cells, PENDING_READS, 0);
    if (reads !== 0) Atomics.sub(cells, READERS, reads);
    if (Atomics.exchange(cells, PENDING_WRITES, 0) !== 0) Atomics.store(cells, WRITER, 0);
    for (let ticket = this.#ring.head(); ticket !== null; ticket = this.#ring.head()) {
      if (Atomics.load(cells, WRITER) !== 0) return;
      if (this.#ring.modeOf(ticket) === WRITE) {
        if (Atomics.load(cells, READERS) !== 0) return;
        // State first: the grantee may run (and release) before this call returns.
        Atomics.store(cells, WRITER, this.#ring.threadOf(ticket));
        if (!this.#ring.grant(ticket)) Atomics.store(cells, WRITER, 0);
      } else {
        Atomics.add(cells, READERS, 1);
        if (!this.#ring.grant(ticket)) Atomics.sub(cells, READERS, 1);
      }
    }
  }

  #granted(mode: number, started: number, contended: boolean): LockToken {
    return new LockToken(this, undefined, mode, this.#tally.granted(started, contended));
  }

  #view(mode: number): SyncLockView {
    return new SyncLockView(this, {
      acquire: (options) => this.#acquire(mode, options),
      acquireSync: (options) => this.#acquireSync(mode, options),
      tryAcquire: () => this.#tryAcquire(mode),
      withLock: async <T>(
        fn: () => T | PromiseLike<T>,
        options?: AcquireOptions,
      ): Promise<Awaited<T>> => {
        validateFunction(fn, 'fn');
        using _token = await this.#acquire(mode, options);
        return await fn();
      },
      withLockSync: (fn, options) => {
        validateFunction(fn, 'fn');
        using _token = this.#acquireSync(mode, options);
        return fn();
      },
    });
  }
}
