import type { AcquireOptions, SyncAcquireOptions } from '../common/acquire-options';
import type { LockInspection, LockStats } from '../common/lock-stats';
import { LockToken, type UnlockToken } from '../common/unlock-token';
import { wakeUpTo } from '../common/wake-up-to';
import { validate } from '../common/validate';
import { NotOwnerError } from '../errors';
import { deadlineAfter } from './atomic-wait';
import { createSharedBuffer, HEADER_WORDS } from './shared-clock';
import type { SharedHandle } from './shared-handle';
import {
  kHeldAgain,
  kTicketLock,
  SharedMutex,
  type SharedLockOptions,
  type SharedMutexHandle,
} from './shared-mutex';
import { adoptShared, openShared, SharedPrimitive, type AdoptOptions } from './shared-primitive';
import { SharedTally, TALLY_WORDS } from './shared-tally';
import { assertMayBlock, THREAD_TAG, threadLabel } from './thread-identity';
import { slotCount } from './ticket-slot';
import { WaiterRing } from './waiter-ring';

/*
 * SharedCondition buffer (Int32 cells after the 8-byte epoch header):
 *
 *   ┌──────────────────────────────────────────┬────────────────────────────────┐
 *   │ tally (4): waits, contended, timeouts, … │ waiter ring (N slots)          │
 *   └──────────────────────────────────────────┴────────────────────────────────┘
 *
 * The ring is changed only by holders of the condition's SharedMutex (wait registers, notify
 * grants), which is exactly the rule a condition variable imposes on its callers anyway.
 */
const TALLY = HEADER_WORDS;
const RING = TALLY + TALLY_WORDS;

export interface SharedConditionHandle extends SharedHandle<'SharedCondition'> {
  readonly mutex: SharedMutexHandle;
}

export interface SharedConditionOptions extends SharedLockOptions {
  /** @default a new SharedMutex */
  readonly mutex?: SharedMutex;
}

/**
 * A condition variable across worker threads (Python's `threading.Condition`, TC39
 * `Atomics.Condition`'s token passing): wait with a held token of `mutex`; the mutex is
 * released while waiting and held again when the wait returns or throws. `notify(n)` wakes the
 * n longest-waiting threads (FIFO), exactly n, with no lost or stolen wake-ups.
 */
export class SharedCondition extends SharedPrimitive<'SharedCondition', SharedConditionHandle> {
  readonly mutex: SharedMutex;
  readonly #ring: WaiterRing;
  readonly #tally: SharedTally;

  constructor(options?: SharedConditionOptions) {
    let mutex: SharedMutex | undefined;
    const opened = openShared('SharedCondition', options, (record, name) => {
      const given = record['mutex'];
      if (given !== undefined && !(given instanceof SharedMutex)) {
        validate.fail('mutex', 'a SharedMutex', given);
      }
      mutex = given ?? new SharedMutex({ name: `${name}.mutex` });
      const slots = slotCount(record['maxWaiters']);
      const buffer = createSharedBuffer(RING - HEADER_WORDS + WaiterRing.words(slots));
      WaiterRing.initialize(new Int32Array(buffer), RING, slots);
      return buffer;
    });
    mutex ??= SharedMutex.from((opened.adopted as SharedConditionHandle).mutex);
    super(opened, { mutex: mutex.handle });
    this.mutex = mutex;
    this.#ring = new WaiterRing(this.cells, RING, this.clock);
    this.#tally = new SharedTally(this.cells, TALLY, this.instrument);
  }

  static from(handle: SharedConditionHandle, options?: AdoptOptions): SharedCondition {
    return adoptShared(
      'SharedCondition',
      handle,
      (cells) => RING - HEADER_WORDS + WaiterRing.words(WaiterRing.slotCountOf(cells, RING)),
      () => new SharedCondition(options),
    );
  }

  acquire(options?: AcquireOptions): Promise<UnlockToken> {
    return this.mutex.acquire(options);
  }

  acquireSync(options?: SyncAcquireOptions): UnlockToken {
    return this.mutex.acquireSync(options);
  }

  tryAcquire(): UnlockToken | null {
    return this.mutex.tryAcquire();
  }

  /** Gives the mutex up until notified (or timed out / aborted), then takes it back. */
  async wait(token: UnlockToken, options?: AcquireOptions): Promise<void> {
    const { timeout, signal } = validate.waitOptions(options);
    await this.#waitAsync(token, deadlineAfter(timeout), signal, timeout);
  }

  /** Blocking form of {@link wait}. Worker threads only. */
  waitSync(token: UnlockToken, options?: SyncAcquireOptions): void {
    const timeout = validate.syncWaitOptions(options);
    this.#waitSync(token, deadlineAfter(timeout), timeout);
  }

  /** Waits until `predicate()` is truthy (checked first and after each wake-up). */
  async waitFor<T>(token: UnlockToken, predicate: () => T, options?: AcquireOptions): Promise<T> {
    validate.function(predicate, 'predicate');
    const { timeout, signal } = validate.waitOptions(options);
    const deadline = deadlineAfter(timeout);
    let result = predicate();
    while (!result) {
      await this.#waitAsync(token, deadline, signal, timeout);
      result = predicate();
    }
    return result;
  }

  waitForSync<T>(token: UnlockToken, predicate: () => T, options?: SyncAcquireOptions): T {
    validate.function(predicate, 'predicate');
    const timeout = validate.syncWaitOptions(options);
    const deadline = deadlineAfter(timeout);
    let result = predicate();
    while (!result) {
      this.#waitSync(token, deadline, timeout);
      result = predicate();
    }
    return result;
  }

  /** Wakes up to `count` waiting threads, oldest first; returns how many. Hold the mutex. */
  notify(count = 1): number {
    validate.integer(count, 'count', 0, Number.MAX_SAFE_INTEGER);
    const owner = this.mutex[kTicketLock].owner;
    if (owner !== THREAD_TAG) {
      throw new NotOwnerError(
        `${this.name}: notify() from ${threadLabel(THREAD_TAG)}, which does not hold ${this.mutex.name}`,
      );
    }
    return wakeUpTo(count, () => this.#ring.grantNext());
  }

  notifyAll(): number {
    return this.notify(Number.MAX_SAFE_INTEGER);
  }

  get stats(): LockStats {
    return this.snapshot(0, this.#tally.counts(), this.#ring.waiters());
  }

  inspect(): LockInspection {
    return this.inspection([], this.#ring.waiters());
  }

  /** Registers (under the mutex) and lends the mutex away; returns the ring ticket. */
  #suspend(token: UnlockToken): { ticket: number; held: LockToken; started: number } {
    const engine = this.mutex[kTicketLock];
    if (
      !(token instanceof LockToken) ||
      token.issuer !== this.mutex ||
      !token.locked ||
      engine.owner !== THREAD_TAG ||
      engine.serving !== token.ticket
    ) {
      throw new NotOwnerError(`${this.name}: wait() needs a held token of ${this.mutex.name}`);
    }
    const ticket = this.#ring.register(0);
    if (ticket === null) throw this.#ring.full(this.name);
    token.suspend();
    engine.unlock(token.ticket);
    return { ticket, held: token, started: this.#tally.start() };
  }

  async #waitAsync(
    token: UnlockToken,
    deadline: number,
    signal: AbortSignal | undefined,
    timeout: number,
  ): Promise<void> {
    this.#tally.refuseAborted(signal);
    const { ticket, held, started } = this.#suspend(token);
    // An expired deadline (waitFor's last round) still abandons the ticket through the CAS.
    const outcome = await this.#ring.waitAsync(ticket, deadline, signal);
    held.ticket = (await this.mutex[kTicketLock].lockAsync(Infinity, undefined)) as number;
    held.resume();
    this.mutex[kHeldAgain](held);
    this.#finish(outcome, started, timeout, signal);
  }

  #waitSync(token: UnlockToken, deadline: number, timeout: number): void {
    assertMayBlock(this.name, 'waitSync()');
    const { ticket, held, started } = this.#suspend(token);
    const outcome = this.#ring.waitSync(ticket, deadline);
    held.ticket = this.mutex[kTicketLock].lockSync(Infinity) as number;
    held.resume();
    this.mutex[kHeldAgain](held);
    this.#finish(outcome, started, timeout, undefined);
  }

  #finish(
    outcome: 'granted' | 'timeout' | 'aborted',
    started: number,
    timeout: number,
    signal: AbortSignal | undefined,
  ): void {
    this.#tally.settle(outcome, timeout, started, signal);
    this.#tally.granted(started, true);
  }
}
