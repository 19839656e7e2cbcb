import { validate } from '../common/validate';
import type { AcquireOptions, SyncAcquireOptions } from '../common/acquire-options';
import type { HolderInfo, LockInspection, LockStats } from '../common/lock-stats';
import { SyncLockView } from '../common/lock-view';
import { runLocked, runLockedSync } from '../common/run-locked';
import {
  kReleaseToken,
  LockToken,
  type TokenIssuer,
  type UnlockToken,
} from '../common/unlock-token';
import type { DeadlockError } from '../errors';
import { GuardedWaitQueue } from './guarded-wait-queue';
import { HEADER_WORDS } from './shared-clock';
import type { SharedHandle } from './shared-handle';
import type { SharedLockOptions } from './shared-mutex';
import { SharedPrimitive, type AdoptOptions } from './shared-primitive';
import { assertMayBlock, selfDeadlock, THREAD_TAG, threadLabel } from './thread-identity';

/*
 * SharedRWLock buffer (Int32 cells after the 8-byte epoch header):
 *
 *   ┌─────────┬────────┬──────────────┬───────────────┬─────────────────────────────────┐
 *   │ readers │ writer │ pendingReads │ pendingWrites │ tally, guard, ring (mode = r/w) │
 *   └─────────┴────────┴──────────────┴───────────────┴─────────────────────────────────┘
 *   the last three: guarded-wait-queue.ts
 *
 * Every state change happens under the guard; releases only bump pendingReads/pendingWrites
 * and are applied by whoever holds the guard (guarded-section.ts), so they never wait.
 * writer: THREAD_TAG of the writing thread, 0 when none.
 */
const READERS = HEADER_WORDS;
const WRITER = READERS + 1;
const PENDING_READS = READERS + 2;
const PENDING_WRITES = READERS + 3;
const STATE_WORDS = 4;

const READ = 1;
const WRITE = 2;

const modeName = (mode: number): string => (mode === WRITE ? 'write' : 'read');

export type SharedRWLockHandle = SharedHandle<'SharedRWLock'>;

/**
 * A readers-writer lock across worker threads, with the in-loop RWLock's policy: FIFO and
 * phase-fair (readers at the head enter together; a waiting writer holds back later readers;
 * readers queued behind a writer enter together after it).
 *
 * A thread that holds the write lock and blocks for it again gets `ERR_LOCK_DEADLOCK`. Readers are
 * counted, not named, so a reader that blocks to upgrade to writing is not detected (it hangs,
 * and the watchdog reports it).
 */
export class SharedRWLock extends SharedPrimitive<'SharedRWLock'> implements TokenIssuer {
  readonly read: SyncLockView;
  readonly write: SyncLockView;
  readonly #queue: GuardedWaitQueue;

  constructor(options?: SharedLockOptions) {
    super(GuardedWaitQueue.open('SharedRWLock', options, STATE_WORDS));
    this.#queue = new GuardedWaitQueue(this.cells, STATE_WORDS, this.clock, this.instrument, {
      hasPending: () =>
        Atomics.load(this.cells, PENDING_READS) !== 0 ||
        Atomics.load(this.cells, PENDING_WRITES) !== 0,
      applyPending: () => this.#applyPending(),
    });
    this.read = this.#view(READ);
    this.write = this.#view(WRITE);
  }

  static from(handle: SharedRWLockHandle, options?: AdoptOptions): SharedRWLock {
    const build = (): SharedRWLock => new SharedRWLock(options);
    return GuardedWaitQueue.adopt('SharedRWLock', handle, STATE_WORDS, build);
  }

  /** Readers inside now (releases not yet applied may still be counted). */
  get readers(): number {
    return Atomics.load(this.cells, READERS);
  }

  /** threadId of the writer inside, or undefined. */
  get writerThreadId(): number | undefined {
    const writer = Atomics.load(this.cells, WRITER);
    return writer === 0 ? undefined : writer - 1;
  }

  [kReleaseToken](token: LockToken): void {
    Atomics.add(this.cells, token.mode === WRITE ? PENDING_WRITES : PENDING_READS, 1);
    this.#queue.tally.released(token.acquiredAt);
    this.#queue.section.settle();
  }

  get stats(): LockStats {
    const cells = this.cells;
    const holders = Atomics.load(cells, READERS) + (Atomics.load(cells, WRITER) === 0 ? 0 : 1);
    return this.snapshot(holders, this.#queue.tally.counts(), this.#queue.ring.waiters());
  }

  inspect(): LockInspection {
    const writer = Atomics.load(this.cells, WRITER);
    const holders: HolderInfo[] = Array.from({ length: Atomics.load(this.cells, READERS) }, () => ({
      id: 'reader',
    }));
    if (writer !== 0) holders.unshift({ id: `${threadLabel(writer)} (write)` });
    return this.inspection(holders, this.#queue.ring.waiters(), modeName);
  }

  #tryAcquire(mode: number): UnlockToken | null {
    const section = this.#queue.section;
    const inside = section.tryEnter();
    if (inside === null) return null;
    const taken = this.#take(mode);
    section.leave(inside);
    return taken ? this.#token(mode, this.#queue.tally.granted(NaN, false)) : null;
  }

  #acquire(mode: number, options: AcquireOptions | undefined): Promise<UnlockToken> {
    try {
      const { timeout, signal } = validate.waitOptions(options);
      this.#queue.tally.refuseAborted(signal);
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
    const take = (): boolean => this.#take(mode);
    return this.#token(mode, await this.#queue.waitTurn(mode, take, timeout, signal));
  }

  #acquireSync(mode: number, options: SyncAcquireOptions | undefined): UnlockToken {
    const timeout = validate.syncWaitOptions(options);
    assertMayBlock(this.name, mode === WRITE ? 'write.acquireSync()' : 'read.acquireSync()');
    const take = (): boolean => this.#take(mode);
    const refuse = (): DeadlockError | undefined => this.#selfDeadlock();
    return this.#token(mode, this.#queue.waitTurnSync(mode, take, timeout, refuse));
  }

  /**
   * Under the guard: blocking, for read or write, while this thread writes can never end (its
   * own release cannot run). A read held here is not seen: readers are counted, not named.
   */
  #selfDeadlock(): DeadlockError | undefined {
    return Atomics.load(this.cells, WRITER) === THREAD_TAG ? selfDeadlock(this.name) : undefined;
  }

  /** Under the guard: takes the lock now if policy allows (nobody queued, compatible holders). */
  #take(mode: number): boolean {
    const cells = this.cells;
    if (Atomics.load(cells, WRITER) !== 0 || this.#queue.ring.head() !== null) return false;
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
    const cells = this.cells;
    const ring = this.#queue.ring;
    const reads = Atomics.exchange(cells, PENDING_READS, 0);
    if (reads !== 0) Atomics.sub(cells, READERS, reads);
    if (Atomics.exchange(cells, PENDING_WRITES, 0) !== 0) Atomics.store(cells, WRITER, 0);
    for (let ticket = ring.head(); ticket !== null; ticket = ring.head()) {
      if (Atomics.load(cells, WRITER) !== 0) return;
      if (ring.modeOf(ticket) === WRITE) {
        if (Atomics.load(cells, READERS) !== 0) return;
        // State first: the grantee may run (and release) before this call returns.
        Atomics.store(cells, WRITER, ring.threadOf(ticket));
        if (!ring.grant(ticket)) Atomics.store(cells, WRITER, 0);
      } else {
        Atomics.add(cells, READERS, 1);
        if (!ring.grant(ticket)) Atomics.sub(cells, READERS, 1);
      }
    }
  }

  #token(mode: number, acquiredAt: number | undefined): LockToken {
    return new LockToken(this, undefined, mode, acquiredAt);
  }

  #view(mode: number): SyncLockView {
    return new SyncLockView(this, {
      acquire: (options) => this.#acquire(mode, options),
      acquireSync: (options) => this.#acquireSync(mode, options),
      tryAcquire: () => this.#tryAcquire(mode),
      withLock: (fn, options) => runLocked(fn, () => this.#acquire(mode, options)),
      withLockSync: (fn, options) => runLockedSync(fn, () => this.#acquireSync(mode, options)),
    });
  }
}
