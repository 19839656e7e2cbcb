import type { LockObserver } from '../common/lock-observer';
import type { LockKind } from '../common/lock-stats';
import { BarrierBrokenError, LockTimeoutError } from '../errors';
import type { LockOwner } from './lock-owner';
import type { CancelReason, Waiter } from './waiter';
import { WaitRoom } from './wait-room';

/**
 * The waiting room shared by Event, Condition and Barrier (which grant nothing exclusive): a FIFO
 * of waiters that someone else wakes, with timeout/abort cancellation, counters and the hook.
 */
export class WaitList extends WaitRoom {
  readonly #onCancel: ((waiter: Waiter, reason: CancelReason) => void) | undefined;

  constructor(
    name: string,
    kind: LockKind,
    observer: LockObserver | undefined,
    onCancel?: (waiter: Waiter, reason: CancelReason) => void,
  ) {
    super(name, kind, observer);
    this.#onCancel = onCancel;
  }

  get size(): number {
    return this.queue.size;
  }

  /** Fails fast for an aborted signal or a zero timeout; counts them like any give-up. */
  refuse(timeout: number, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) {
      this.giveUp('abort', 0);
      return signal.reason;
    }
    if (timeout === 0) {
      this.giveUp('timeout', 0);
      return new LockTimeoutError(this.name, 0);
    }
    return undefined;
  }

  add<T>(
    timeout: number,
    signal: AbortSignal | undefined,
    owner?: LockOwner,
    payload = 0,
  ): Waiter<T> {
    const waiter = this.addWaiter<T>(owner, 0, timeout, signal);
    waiter.payload = payload;
    return waiter;
  }

  /** Wakes the oldest waiter (with its payload when asked); false when nobody waits. */
  wakeOne(withPayload = false): boolean {
    const waiter = this.queue.shift();
    if (waiter === undefined) return false;
    this.countServed(true);
    if (this.instrument.active)
      this.instrument.acquiredBy(waiter, performance.now() - waiter.since);
    waiter.grant(withPayload ? waiter.payload : undefined);
    return true;
  }

  /** Counts a wait that ended without waiting (event already set, last barrier party). */
  passedAtOnce(): void {
    this.countServed(false);
    if (this.instrument.active) this.instrument.acquired(0);
  }

  /** Rejects every waiter with a fresh BarrierBrokenError (Barrier abort/reset/break). */
  breakAll(message: string): void {
    for (let waiter = this.queue.shift(); waiter !== undefined; waiter = this.queue.shift()) {
      waiter.fail(new BarrierBrokenError(message));
    }
  }

  protected holderCount(): number {
    return 0;
  }

  protected override cancelled(waiter: Waiter, reason: CancelReason): void {
    this.#onCancel?.(waiter, reason);
  }
}
