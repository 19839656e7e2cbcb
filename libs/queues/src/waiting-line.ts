import {
  Waiter,
  WaitQueue,
  type CancelReason,
  type ParsedWait,
} from '@concurrency-lab/locks/internal';

function unreachable(): Error {
  return new Error('a wait without a timeout timed out');
}

/** A caller taken out of a line: what it brought, and how to serve it. */
export interface Caller<P, R> {
  readonly payload: P;
  grant(value: R): void;
  fail(reason: unknown): void;
}

/**
 * A line of suspended callers, served oldest first: the locks' waiters in the locks' intrusive
 * FIFO (no node allocated besides the waiter). A caller whose timeout passes or whose signal
 * aborts leaves from the middle in O(1) and is rejected (with `timedOut()`, or `signal.reason`).
 * Whoever unlinks a caller settles it: serving takes it out of the line first, so a timer that
 * fires afterwards finds nothing to cancel.
 *
 * `P` is what a caller brings along (a producer's item, a watcher's limit), `R` what it gets.
 */
export class WaitingLine<P = undefined, R = void> {
  readonly #queue = new WaitQueue();

  get size(): number {
    return this.#queue.size;
  }

  readonly #timedOut: (timeout: number, payload: P) => Error;
  readonly #cancel = (waiter: Waiter, reason: CancelReason): void => {
    if (!waiter.queued) return; // served first: the serve wins the race
    this.#queue.remove(waiter);
    waiter.fail(
      reason === 'timeout'
        ? this.#timedOut(waiter.timeoutMs, waiter.payload as P)
        : waiter.abortReason,
    );
  };

  /** `timedOut` builds the error for a caller whose timeout passed (never called without one). */
  constructor(timedOut: (timeout: number, payload: P) => Error = unreachable) {
    this.#timedOut = timedOut;
  }

  /** Suspends a caller until it is served (or its timeout passes, or its signal aborts). */
  wait(payload: P, { timeout, signal }: ParsedWait): Promise<R> {
    const waiter = new Waiter<R>();
    waiter.payload = payload;
    this.#queue.push(waiter);
    if (timeout !== Infinity || signal !== undefined) waiter.arm(timeout, signal, this.#cancel);
    return waiter.promise;
  }

  /** Takes the longest-waiting caller out of the line, for the caller to serve; or undefined. */
  shift(): Caller<P, R> | undefined {
    return this.#queue.shift() as Caller<P, R> | undefined;
  }

  /** Serves, oldest first, every caller whose payload matches. */
  serveWhere(matches: (payload: P) => boolean, value: R): void {
    for (let waiter = this.#queue.head; waiter !== undefined;) {
      const next = waiter.next;
      if (matches(waiter.payload as P)) {
        this.#queue.remove(waiter);
        (waiter as Waiter<R>).grant(value);
      }
      waiter = next;
    }
  }

  /** Serves every caller, oldest first. */
  serveAll(value: R): void {
    for (let caller = this.shift(); caller !== undefined; caller = this.shift()) {
      caller.grant(value);
    }
  }

  /** Rejects every caller, oldest first, each with its own `reason()`. */
  failAll(reason: () => unknown): void {
    for (let waiter = this.#queue.shift(); waiter !== undefined; waiter = this.#queue.shift()) {
      waiter.fail(reason());
    }
  }
}
