import { Waiter, type ParsedWait } from '@concurrency-lab/locks/internal';
import { LinkedList } from './linked-list';

/** A suspended caller and what it brought along (a producer's item, a watcher's limit). */
export class Waiting<P, R> extends Waiter<R> {
  readonly payload: P;

  constructor(payload: P) {
    super();
    this.payload = payload;
  }
}

/**
 * A line of suspended callers, served oldest first. A caller whose timeout passes or whose
 * signal aborts leaves from the middle in O(1) and is rejected (with `timedOut()`, or
 * `signal.reason`). Whoever unlinks a caller settles it: serving takes it out of the line
 * first, so a timer that fires afterwards finds nothing to cancel.
 */
export class WaitingLine<P = undefined, R = void> {
  readonly #list = new LinkedList<Waiting<P, R>>();

  get size(): number {
    return this.#list.size;
  }

  /** Suspends a caller until it is served; `timedOut` builds the error when its timeout passes. */
  wait(payload: P, { timeout, signal }: ParsedWait, timedOut?: () => Error): Promise<R> {
    const waiting = new Waiting<P, R>(payload);
    const node = this.#list.push(waiting);
    if (timeout !== Infinity || signal !== undefined) {
      waiting.arm(timeout, signal, (waiter, reason) => {
        if (!this.#list.remove(node)) return;
        waiter.fail(reason === 'timeout' ? timedOut?.() : waiter.abortReason);
      });
    }
    return waiting.promise;
  }

  /** Takes the longest-waiting caller out of the line, for the caller to serve; or undefined. */
  shift(): Waiting<P, R> | undefined {
    return this.#list.shift();
  }

  /** Serves, oldest first, every caller whose payload matches. */
  serveWhere(matches: (payload: P) => boolean, value: R): void {
    if (this.#list.size === 0) return;
    for (const waiting of this.#list.extract((w) => matches(w.payload))) waiting.grant(value);
  }

  /** Serves every caller, oldest first. */
  serveAll(value: R): void {
    for (const waiting of this.#list.drain()) waiting.grant(value);
  }

  /** Rejects every caller, oldest first, each with its own `reason()`. */
  failAll(reason: () => unknown): void {
    for (const waiting of this.#list.drain()) waiting.fail(reason());
  }
}
