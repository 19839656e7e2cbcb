import { validate } from '../common/validate';
import type { AcquireOptions, SyncAcquireOptions } from '../common/acquire-options';
import type { LockInspection, LockStats } from '../common/lock-stats';
import { GuardedWaitQueue } from './guarded-wait-queue';
import { HEADER_WORDS } from './shared-clock';
import type { SharedHandle } from './shared-handle';
import type { SharedLockOptions } from './shared-mutex';
import { SharedPrimitive, type AdoptOptions } from './shared-primitive';
import { assertMayBlock } from './thread-identity';

/*
 * SharedEvent buffer (Int32 cells after the 8-byte epoch header):
 *
 *   ┌───────┬────────────────────────────────────────────────┐
 *   │ state │ tally, guard, waiter ring (guarded-wait-queue) │
 *   └───────┴────────────────────────────────────────────────┘
 *   state: bit 0 the flag, bit 1 a set() not yet applied (pendingSet).
 *   tally: waits that passed, how many had to wait, timeouts, aborts.
 *
 * Waiters queue in the ring (so reports can name them and say how long they waited); `set()`
 * raises the flag and the pendingSet mark, which whoever holds the guard turns into "wake
 * everyone queued". A waiter re-checks the flag under the guard, after pending sets are applied,
 * so it can neither miss a set nor be woken by a set that happened before a `clear()` it saw.
 * The flag and the mark share one cell, raised by one `Atomics.or`: with two cells, a waiter
 * could pass on the flag, clear it and queue again before the setter marked its set pending,
 * and that set then woke it (a wait returning with the event clear).
 */
const STATE = HEADER_WORDS;
const STATE_WORDS = 1;
const FLAG = 1;
const PENDING_SET = 2;

export type SharedEventHandle = SharedHandle<'SharedEvent'>;

/** Python's `threading.Event` across worker threads: `set()` wakes every waiting thread. */
export class SharedEvent extends SharedPrimitive<'SharedEvent'> {
  readonly #queue: GuardedWaitQueue;
  readonly #isSet = (): boolean => this.isSet();

  constructor(options?: SharedLockOptions) {
    super(GuardedWaitQueue.open('SharedEvent', options, STATE_WORDS));
    this.#queue = new GuardedWaitQueue(this.cells, STATE_WORDS, this.clock, this.instrument, {
      hasPending: () => (Atomics.load(this.cells, STATE) & PENDING_SET) !== 0,
      applyPending: () => {
        if ((Atomics.and(this.cells, STATE, ~PENDING_SET) & PENDING_SET) === 0) return;
        while (this.#queue.ring.grantNext()) {
          // every thread queued when set() ran is woken
        }
      },
    });
  }

  static from(handle: SharedEventHandle, options?: AdoptOptions): SharedEvent {
    const build = (): SharedEvent => new SharedEvent(options);
    return GuardedWaitQueue.adopt('SharedEvent', handle, STATE_WORDS, build);
  }

  isSet(): boolean {
    return (Atomics.load(this.cells, STATE) & FLAG) !== 0;
  }

  /** Raises the flag and wakes every waiting thread. Never waits. */
  set(): void {
    Atomics.or(this.cells, STATE, FLAG | PENDING_SET); // one write: see the layout
    this.#queue.section.settle();
  }

  clear(): void {
    Atomics.and(this.cells, STATE, ~FLAG);
  }

  async wait(options?: AcquireOptions): Promise<void> {
    const { timeout, signal } = validate.waitOptions(options);
    this.#queue.tally.refuseAborted(signal);
    if (this.isSet()) this.#passedAtOnce();
    else await this.#queue.waitTurn(0, this.#isSet, timeout, signal);
  }

  /** Blocking form of {@link wait}. Worker threads only. */
  waitSync(options?: SyncAcquireOptions): void {
    const timeout = validate.syncWaitOptions(options);
    assertMayBlock(this.name, 'waitSync()');
    if (this.isSet()) this.#passedAtOnce();
    else this.#queue.waitTurnSync(0, this.#isSet, timeout);
  }

  get stats(): LockStats {
    return this.snapshot(0, this.#queue.tally.counts(), this.#queue.ring.waiters());
  }

  inspect(): LockInspection {
    return this.inspection([], this.#queue.ring.waiters());
  }

  #passedAtOnce(): void {
    this.#queue.tally.granted(NaN, false);
  }
}
