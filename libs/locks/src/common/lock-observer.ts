import { LockObserverError } from '../errors';
import type { LockKind } from './lock-stats';
import { validate } from './validate';

/**
 * Which lock an observation is about: `name` is the metric label (`lab_lock_wait_seconds{lock}`).
 */
export interface ObservedLock {
  readonly name: string;
  readonly kind: LockKind;
}

/**
 * The instrumentation hook. Telemetry implements it (e.g. feeding prom-client histograms
 * `lab_lock_wait_seconds{lock}` / `lab_lock_hold_seconds{lock}`), so this library depends on no
 * metrics or tracing package. Every member is optional; calls are synchronous, in the thread
 * that acquired, and an observer that throws is reported as a process warning (its first throw
 * only), never to the lock.
 *
 * @example
 * observeLocks({
 *   onAcquire: (lock, waitMs) => waitSeconds.labels(lock.name).observe(waitMs / 1000),
 *   onRelease: (lock, holdMs) => holdSeconds.labels(lock.name).observe(holdMs / 1000),
 * });
 */
export interface LockObserver {
  /**
   * Granted after waiting `waitMs` (0 when it was free). For Event/Condition/Barrier: a wait
   * ended. Called in the acquirer's async context (its AsyncLocalStorage stores, so its active
   * trace span), also for a grant that another task's release makes.
   */
  onAcquire?(lock: ObservedLock, waitMs: number): void;
  /** Released after holding `holdMs` (only for grants made while an observer was registered). */
  onRelease?(lock: ObservedLock, holdMs: number): void;
  /**
   * A wait gave up: `reason` says why. A wait refused before it began (an already-aborted signal,
   * a zero timeout on a busy lock, a deadlock) is reported too, with `waitMs` 0.
   */
  onGiveUp?(lock: ObservedLock, waitMs: number, reason: 'timeout' | 'abort' | 'deadlock'): void;
}

/** Undo handle for {@link observeLocks}; `using` works too. */
export interface ObserverRegistration extends Disposable {
  unobserve(): void;
}

const globalObservers: LockObserver[] = [];

/** What an observer must be, in the words of every refusal (the `observer` option's too). */
export const OBSERVER_EXPECTED = 'an object with onAcquire/onRelease/onGiveUp';

/**
 * Registers `observer` for every lock of this thread (each worker thread has its own registry:
 * a module instance per thread). Per-lock observers go in the lock's `observer` option.
 */
export function observeLocks(observer: LockObserver): ObserverRegistration {
  // Checked here, as the `observer` option is: registered, a non-object would make every lock
  // event of the thread fail inside the hook, far from the call that caused it.
  if (typeof observer !== 'object' || observer === null) {
    validate.fail('observer', OBSERVER_EXPECTED, observer);
  }
  globalObservers.push(observer);
  const unobserve = (): void => {
    const index = globalObservers.indexOf(observer);
    if (index !== -1) globalObservers.splice(index, 1);
  };
  return { unobserve, [Symbol.dispose]: unobserve };
}

/** Observers that threw once already: a broken observer on a hot lock would flood the log. */
const reported = new WeakSet<LockObserver>();

function report(error: unknown): void {
  process.emitWarning(`a lock observer threw: ${String(error)}`, {
    type: 'LockObserverError',
    code: LockObserverError.code,
  });
}

/**
 * One lock's side of the hook. Locks ask `active` before reading the clock, so an unobserved lock
 * pays no timestamps on its fast path (performance.now() costs ~50 ns, about a third of an
 * uncontended acquire/release).
 */
export class LockInstrument implements ObservedLock {
  readonly name: string;
  readonly kind: LockKind;
  readonly #local: LockObserver | undefined;

  constructor(name: string, kind: LockKind, local: LockObserver | undefined) {
    this.name = name;
    this.kind = kind;
    this.#local = local;
  }

  get active(): boolean {
    return this.#local !== undefined || globalObservers.length > 0;
  }

  acquired(waitMs: number): void {
    this.#each((observer) => observer.onAcquire?.(this, waitMs));
  }

  /**
   * A queued waiter's grant, reported in the waiter's own async context when it has one (see
   * `Waiter.inContext`): the grant runs in the releaser's.
   */
  acquiredBy(waiter: { inContext: (<R>(fn: () => R) => R) | undefined }, waitMs: number): void {
    if (waiter.inContext === undefined) this.acquired(waitMs);
    else waiter.inContext(() => this.acquired(waitMs));
  }

  released(holdMs: number): void {
    this.#each((observer) => observer.onRelease?.(this, holdMs));
  }

  gaveUp(waitMs: number, reason: 'timeout' | 'abort' | 'deadlock'): void {
    this.#each((observer) => observer.onGiveUp?.(this, waitMs, reason));
  }

  #each(call: (observer: LockObserver) => void): void {
    if (this.#local !== undefined) this.#call(this.#local, call);
    // A copy, so an observer that unregisters itself does not skip its neighbour.
    if (globalObservers.length > 0)
      for (const observer of [...globalObservers]) this.#call(observer, call);
  }

  #call(observer: LockObserver, call: (observer: LockObserver) => void): void {
    try {
      call(observer);
    } catch (error) {
      if (reported.has(observer)) return;
      reported.add(observer);
      report(error);
    }
  }
}
