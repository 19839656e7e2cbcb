import { AsyncLocalStorage } from 'node:async_hooks';
import { LockInstrument, type LockObserver } from '../common/lock-observer';
import type {
  HolderInfo,
  Inspectable,
  LockInspection,
  LockKind,
  LockStats,
} from '../common/lock-stats';
import { turnNow } from '../common/turn-clock';
import { LockTimeoutError } from '../errors';
import type { LockOwner } from './lock-owner';
import { WaitQueue } from './wait-queue';
import { Waiter, type CancelReason } from './waiter';

/**
 * What every in-loop primitive is built on: a FIFO of waiters, each armed with its timeout and
 * signal; a waiter that gives up leaves the queue, is counted, reported to the hook and
 * rejected; counters, the stats snapshot and the report. QueuedLock (locks that grant) and
 * WaitList (waits that someone else ends) add only how waiters are served.
 */
export abstract class WaitRoom implements Inspectable {
  readonly name: string;
  readonly kind: LockKind;
  readonly instrument: LockInstrument;
  protected readonly queue = new WaitQueue();
  #served = 0;
  #contended = 0;
  #timeouts = 0;
  #aborts = 0;
  readonly #cancel = (waiter: Waiter, reason: CancelReason): void =>
    this.#cancelWait(waiter, reason);

  protected constructor(name: string, kind: LockKind, observer: LockObserver | undefined) {
    this.name = name;
    this.kind = kind;
    this.instrument = new LockInstrument(name, kind, observer);
  }

  /** Holders right now, for stats (0 for waits that grant nothing). */
  protected abstract holderCount(): number;

  protected holderInfos(): HolderInfo[] {
    return [];
  }

  protected modeName(_mode: number): string | undefined {
    return undefined;
  }

  /** A waiter left after a timeout or an abort (it is rejected already). */
  protected cancelled(_waiter: Waiter, _reason: CancelReason): void {
    // Nothing by default: a lock re-drains, a barrier breaks.
  }

  /** Counts a wait that ended normally: an acquisition, or a wait that was let through. */
  protected countServed(waited: boolean): void {
    this.#served++;
    if (waited) this.#contended++;
  }

  /**
   * A wait refused (`waitMs` 0) or ended without being served: counted in the stats and told to
   * the observers, always both (a refusal once counted but not told went unseen by observers).
   */
  protected giveUp(reason: CancelReason, waitMs: number): void {
    if (reason === 'timeout') this.#timeouts++;
    else this.#aborts++;
    this.instrument.gaveUp(waitMs, reason);
  }

  /** Queues a new waiter and arms its timeout and signal (only when it has either). */
  protected addWaiter<T>(
    owner: LockOwner | undefined,
    mode: number,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Waiter<T> {
    const observed = this.instrument.active;
    const since = observed ? performance.now() : turnNow();
    const waiter = new Waiter<T>(owner, mode, since);
    if (observed) waiter.inContext = AsyncLocalStorage.snapshot();
    this.queue.push(waiter);
    if (timeout !== Infinity || signal !== undefined) waiter.arm(timeout, signal, this.#cancel);
    return waiter;
  }

  get stats(): LockStats {
    const head = this.queue.head;
    return Object.freeze({
      name: this.name,
      kind: this.kind,
      holders: this.holderCount(),
      waiters: this.queue.size,
      acquisitions: this.#served,
      contended: this.#contended,
      timeouts: this.#timeouts,
      aborts: this.#aborts,
      oldestWaiterMs: head === undefined ? 0 : performance.now() - head.since,
    });
  }

  inspect(): LockInspection {
    const now = performance.now();
    return {
      name: this.name,
      kind: this.kind,
      holders: this.holderInfos(),
      waiters: [...this.queue].map((waiter) => {
        const mode = this.modeName(waiter.mode);
        return {
          id: waiter.owner?.name ?? 'anonymous',
          waitedMs: now - waiter.since,
          ...(mode === undefined ? {} : { mode }),
        };
      }),
    };
  }

  #cancelWait(waiter: Waiter, reason: CancelReason): void {
    if (!waiter.queued) return; // served first: the serve wins the race
    this.queue.remove(waiter);
    this.giveUp(reason, performance.now() - waiter.since);
    waiter.fail(
      reason === 'timeout' ? new LockTimeoutError(this.name, waiter.timeoutMs) : waiter.abortReason,
    );
    this.cancelled(waiter, reason);
  }
}
