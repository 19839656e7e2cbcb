import { LockInstrument, type LockObserver } from '../common/lock-observer';
import type { LockInspection, LockKind, LockStats } from '../common/lock-stats';
import { turnNow } from '../common/turn-clock';
import { BarrierBrokenError, LockTimeoutError } from '../errors';
import type { LockOwner } from './lock-owner';
import { WaitQueue } from './wait-queue';
import { Waiter, type CancelReason } from './waiter';

/**
 * The waiting room shared by Event, Condition and Barrier (which grant nothing exclusive): a FIFO
 * of waiters that someone else wakes, with timeout/abort cancellation, counters and the hook.
 */
export class WaitList {
  readonly name: string;
  readonly kind: LockKind;
  readonly instrument: LockInstrument;
  readonly #queue = new WaitQueue();
  #completed = 0;
  #contended = 0;
  #timeouts = 0;
  #aborts = 0;
  readonly #onCancel: ((waiter: Waiter, reason: CancelReason) => void) | undefined;
  readonly #cancel = (waiter: Waiter, reason: CancelReason): void =>
    this.#cancelWait(waiter, reason);

  constructor(
    name: string,
    kind: LockKind,
    observer: LockObserver | undefined,
    onCancel?: (waiter: Waiter, reason: CancelReason) => void,
  ) {
    this.name = name;
    this.kind = kind;
    this.instrument = new LockInstrument(name, kind, observer);
    this.#onCancel = onCancel;
  }

  get size(): number {
    return this.#queue.size;
  }

  /** Fails fast for an aborted signal or a zero timeout; counts them like any give-up. */
  refuse(timeout: number, signal: AbortSignal | undefined): unknown {
    if (signal?.aborted) {
      this.#aborts++;
      this.instrument.gaveUp(0, 'abort');
      return signal.reason;
    }
    if (timeout === 0) {
      this.#timeouts++;
      this.instrument.gaveUp(0, 'timeout');
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
    const since = this.instrument.active ? performance.now() : turnNow();
    const waiter = new Waiter<T>(owner, 0, since);
    waiter.payload = payload;
    this.#queue.push(waiter);
    if (timeout !== Infinity || signal !== undefined) waiter.arm(timeout, signal, this.#cancel);
    return waiter;
  }

  /** Wakes the oldest waiter (with its payload when asked); false when nobody waits. */
  wakeOne(withPayload = false): boolean {
    const waiter = this.#queue.shift();
    if (waiter === undefined) return false;
    this.#completed++;
    this.#contended++;
    if (this.instrument.active) this.instrument.acquired(performance.now() - waiter.since);
    waiter.grant(withPayload ? waiter.payload : undefined);
    return true;
  }

  /** Counts a wait that ended without waiting (event already set, last barrier party). */
  passedAtOnce(): void {
    this.#completed++;
    if (this.instrument.active) this.instrument.acquired(0);
  }

  /** Rejects every waiter with a fresh BarrierBrokenError (Barrier abort/reset/break). */
  breakAll(message: string): void {
    for (let waiter = this.#queue.shift(); waiter !== undefined; waiter = this.#queue.shift()) {
      waiter.fail(new BarrierBrokenError(message));
    }
  }

  stats(holders = 0): LockStats {
    const head = this.#queue.head;
    return Object.freeze({
      name: this.name,
      kind: this.kind,
      holders,
      waiters: this.#queue.size,
      acquisitions: this.#completed,
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
      holders: [],
      waiters: [...this.#queue].map((waiter) => ({
        id: waiter.owner?.name ?? 'anonymous',
        waitedMs: now - waiter.since,
      })),
    };
  }

  #cancelWait(waiter: Waiter, reason: CancelReason): void {
    if (!waiter.queued) return; // woken first: the wake wins the race
    this.#queue.remove(waiter);
    const waited = performance.now() - waiter.since;
    if (reason === 'timeout') {
      this.#timeouts++;
      this.instrument.gaveUp(waited, 'timeout');
      waiter.fail(new LockTimeoutError(this.name, waiter.timeoutMs));
    } else {
      this.#aborts++;
      this.instrument.gaveUp(waited, 'abort');
      waiter.fail(waiter.abortReason);
    }
    this.#onCancel?.(waiter, reason);
  }
}
