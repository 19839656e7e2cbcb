import {
  parseSyncWaitOptions,
  parseWaitOptions,
  type AcquireOptions,
  type SyncAcquireOptions,
} from '../common/acquire-options';
import { LockInstrument } from '../common/lock-observer';
import { parseLockOptions } from '../common/lock-options';
import type { Inspectable, LockInspection, LockStats } from '../common/lock-stats';
import { validateObject } from '../common/validate';
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
 * SharedEvent buffer (Int32 cells after the 8-byte epoch header):
 *
 *   ┌──────┬────────────┬───────────┬───────┬─────────────┐
 *   │ flag │ pendingSet │ tally (4) │ guard │ waiter ring │   tally: waits that passed, ...
 *   └──────┴────────────┴───────────┴───────┴─────────────┘
 *
 * Waiters queue in the ring (so reports can name them and say how long they waited); `set()`
 * raises the flag and a pendingSet mark that whoever holds the guard turns into "wake everyone
 * queued". A waiter re-checks the flag under the guard, after pending sets are applied, so it
 * can neither miss a set nor be woken by a set that happened before a `clear()` it saw.
 */
const FLAG = HEADER_WORDS;
const PENDING_SET = FLAG + 1;
const TALLY = FLAG + 2;
const GUARD = TALLY + TALLY_WORDS;
const GUARD_SLOTS = 16;
const RING = GUARD + TicketLock.words(GUARD_SLOTS);

export type SharedEventHandle = SharedHandle<'SharedEvent'>;

let adopting: SharedEventHandle | undefined;

/** Python's `threading.Event` across worker threads: `set()` wakes every waiting thread. */
export class SharedEvent implements Inspectable {
  readonly name: string;
  readonly kind = 'SharedEvent' as const;
  readonly handle: SharedEventHandle;
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
      'SharedEvent',
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
    this.handle = Object.freeze({ kind: 'SharedEvent', name, buffer });
    this.#cells = new Int32Array(buffer);
    this.#clock = new SharedClock(buffer);
    this.#ring = new WaiterRing(this.#cells, RING, this.#clock);
    this.#section = new GuardedSection(
      new TicketLock(this.#cells, GUARD, this.#clock),
      () => Atomics.load(this.#cells, PENDING_SET) !== 0,
      () => {
        if (Atomics.exchange(this.#cells, PENDING_SET, 0) === 0) return;
        while (this.#ring.grantNext()) {
          // every thread queued when set() ran is woken
        }
      },
    );
    this.#tally = new SharedTally(
      this.#cells,
      TALLY,
      new LockInstrument(name, 'SharedEvent', observer),
    );
  }

  static from(handle: SharedEventHandle, options?: AdoptOptions): SharedEvent {
    const valid = validateHandle(handle, 'SharedEvent');
    validateObject(options, 'options');
    const slots = WaiterRing.slotCountOf(new Int32Array(valid.buffer), RING);
    checkBufferSize(valid, (RING + WaiterRing.words(slots)) * 4);
    adopting = valid;
    try {
      return new SharedEvent(options);
    } finally {
      adopting = undefined;
    }
  }

  isSet(): boolean {
    return Atomics.load(this.#cells, FLAG) === 1;
  }

  /** Raises the flag and wakes every waiting thread. Never waits. */
  set(): void {
    Atomics.store(this.#cells, FLAG, 1);
    Atomics.store(this.#cells, PENDING_SET, 1);
    this.#section.settle();
  }

  clear(): void {
    Atomics.store(this.#cells, FLAG, 0);
  }

  async wait(options?: AcquireOptions): Promise<void> {
    const { timeout, signal } = parseWaitOptions(options);
    if (signal?.aborted) {
      this.#tally.aborted(NaN);
      throw signal.reason;
    }
    if (this.isSet()) return this.#passed(NaN, false);
    const started = this.#tally.start();
    const deadline = deadlineAfter(timeout);
    const inside = await this.#section.enter();
    const ticket = this.isSet() || timeout === 0 ? undefined : this.#ring.register(0);
    this.#section.leave(inside);
    if (ticket === undefined) {
      if (this.isSet()) return this.#passed(started, false);
      throw this.#tally.timedOut(0, started);
    }
    if (ticket === null) throw this.#ring.full(this.name);
    const outcome = await this.#ring.waitAsync(ticket, deadline, signal);
    if (outcome === 'timeout') throw this.#tally.timedOut(timeout, started);
    if (outcome === 'aborted') {
      this.#tally.aborted(started);
      throw signal?.reason;
    }
    this.#passed(started, true);
  }

  /** Blocking form of {@link wait}. Worker threads only. */
  waitSync(options?: SyncAcquireOptions): void {
    const timeout = parseSyncWaitOptions(options);
    assertMayBlock(`${this.name}.waitSync()`);
    if (this.isSet()) return this.#passed(NaN, false);
    const started = this.#tally.start();
    const deadline = deadlineAfter(timeout);
    const inside = this.#section.enterSync();
    const ticket = this.isSet() || timeout === 0 ? undefined : this.#ring.register(0);
    this.#section.leave(inside);
    if (ticket === undefined) {
      if (this.isSet()) return this.#passed(started, false);
      throw this.#tally.timedOut(0, started);
    }
    if (ticket === null) throw this.#ring.full(this.name);
    if (this.#ring.waitSync(ticket, deadline) === 'timeout')
      throw this.#tally.timedOut(timeout, started);
    this.#passed(started, true);
  }

  get stats(): LockStats {
    const waiters = this.#ring.waiters();
    return Object.freeze({
      name: this.name,
      kind: this.kind,
      holders: 0,
      waiters: waiters.length,
      ...this.#tally.counts(),
      oldestWaiterMs: waiters.reduce((age, w) => Math.max(age, this.#clock.ageMs(w.since)), 0),
    });
  }

  inspect(): LockInspection {
    return {
      name: this.name,
      kind: this.kind,
      holders: [],
      waiters: this.#ring.waiters().map((waiter) => ({
        id: threadLabel(waiter.thread),
        waitedMs: this.#clock.ageMs(waiter.since),
      })),
    };
  }

  #passed(started: number, contended: boolean): void {
    this.#tally.granted(started, contended);
  }
}
