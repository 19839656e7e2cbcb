import type { AcquireOptions, SyncAcquireOptions } from '../common/acquire-options';
import type { LockObserver } from '../common/lock-observer';
import type { LockOptions } from '../common/lock-options';
import type { LockInspection, LockStats } from '../common/lock-stats';
import { validate } from '../common/validate';
import { BarrierBrokenError, LockTimeoutError } from '../errors';
import { deadlineAfter, driveAsync, driveSync, type SleepSteps } from './atomic-wait';
import { BarrierState, MAX_PARTIES, type Arrival, type Released } from './barrier-state';
import { createSharedBuffer, HEADER_WORDS } from './shared-clock';
import type { SharedHandle } from './shared-handle';
import { adoptShared, openShared, SharedPrimitive } from './shared-primitive';
import { assertMayBlock, THREAD_TAG, threadLabel } from './thread-identity';

/*
 * SharedBarrier buffer (Int32 cells after the 8-byte epoch header):
 *
 *   ┌───────┬─────────┬────────┬───────┬──────────┬────────┬─────────────┬────────────┐
 *   │ state │ parties │ cycles │ waits │ timeouts │ aborts │ thread[T]   │ since[T]   │
 *   └───────┴─────────┴────────┴───────┴──────────┴────────┴─────────────┴────────────┘
 *     T = min(parties, 256): who arrived at index i of the cycle being filled, and when.
 *
 *   state: see barrier-state.ts (count and phase in one CAS word).
 */
const STATE = HEADER_WORDS;
const PARTIES = STATE + 1;
const CYCLES = STATE + 2;
const WAITS = STATE + 3;
const TIMEOUTS = STATE + 4;
const ABORTS = STATE + 5;
const ARRIVALS = STATE + 6;
const MAX_TRACKED = 256;

export type SharedBarrierHandle = SharedHandle<'SharedBarrier'>;

export interface SharedBarrierOptions extends LockOptions {
  /** How many waits (threads) make one cycle, from 1 to 65535. */
  readonly parties: number;
  /** Runs in the thread that arrives last, before the others are released. */
  readonly action?: () => void;
  /** Default timeout of each wait; on expiry the barrier breaks. @default Infinity */
  readonly timeout?: number;
}

/** Per-thread options when rebuilding from a handle: functions cannot cross threads. */
export interface SharedBarrierAdoptOptions {
  readonly action?: () => void;
  readonly timeout?: number;
  readonly observer?: LockObserver;
}

type Outcome = Released | 'timeout' | 'aborted';

function createBuffer(options: Record<string, unknown>): SharedArrayBuffer {
  const parties = validate.integer(options['parties'], 'parties', 1, MAX_PARTIES);
  const buffer = createSharedBuffer(ARRIVALS - HEADER_WORDS + 2 * Math.min(parties, MAX_TRACKED));
  new Int32Array(buffer)[PARTIES] = parties;
  return buffer;
}

/**
 * Python's `threading.Barrier` across worker threads. Same rules as the in-loop Barrier:
 * distinct indexes per cycle, `action` run by the last arrival (each thread gives its own
 * action when it rebuilds the barrier), and a broken state for abort, timeouts and failing
 * actions — the party that gave up gets its own error, the others `ERR_LOCK_BARRIER_BROKEN`;
 * a wait whose signal is already aborted gives up before arriving, even as the last party.
 */
export class SharedBarrier extends SharedPrimitive<'SharedBarrier'> {
  readonly parties: number;
  readonly #state: BarrierState;
  readonly #action: (() => void) | undefined;
  readonly #timeout: number;

  constructor(options: SharedBarrierOptions) {
    const opened = openShared('SharedBarrier', options, createBuffer);
    super(opened);
    this.parties = Atomics.load(this.cells, PARTIES);
    this.#state = new BarrierState(this.cells, STATE, this.parties);
    this.#action = validate.optionalFunction<() => void>(opened.options['action'], 'action');
    this.#timeout = validate.timeout(opened.options['timeout']);
  }

  static from(handle: SharedBarrierHandle, options?: SharedBarrierAdoptOptions): SharedBarrier {
    return adoptShared(
      'SharedBarrier',
      handle,
      (cells) => ARRIVALS - HEADER_WORDS + 2 * Math.min(cells[PARTIES] ?? 0, MAX_TRACKED),
      () => new SharedBarrier((options ?? {}) as SharedBarrierOptions),
    );
  }

  get broken(): boolean {
    return this.#state.broken;
  }

  /** Parties waiting in the cycle being filled. */
  get waiting(): number {
    return this.#state.waiting;
  }

  get cycles(): number {
    return Atomics.load(this.cells, CYCLES);
  }

  async wait(options?: AcquireOptions): Promise<number> {
    const { timeout: given, signal } = validate.waitOptions(options);
    const timeout = options?.timeout === undefined ? this.#timeout : given;
    const steps = this.#wait(performance.now(), timeout, signal);
    return driveAsync(steps, this.cells, STATE, deadlineAfter(timeout), signal);
  }

  /** Blocking form of {@link wait}. Worker threads only. */
  waitSync(options?: SyncAcquireOptions): number {
    const given = validate.syncWaitOptions(options);
    assertMayBlock(this.name, 'waitSync()');
    const timeout = options?.timeout === undefined ? this.#timeout : given;
    const steps = this.#wait(performance.now(), timeout, undefined);
    return driveSync(steps, this.cells, STATE, deadlineAfter(timeout));
  }

  /**
   * Breaks the barrier: waiting parties and later waits get ERR_LOCK_BARRIER_BROKEN until reset().
   */
  abort(): void {
    this.#state.abort();
  }

  /** Back to empty and unbroken; parties still waiting get ERR_LOCK_BARRIER_BROKEN. */
  reset(): void {
    this.#state.reset();
  }

  get stats(): LockStats {
    const cells = this.cells;
    const waiting = this.#arrivals();
    return Object.freeze({
      name: this.name,
      kind: this.kind,
      holders: 0,
      waiters: this.waiting,
      acquisitions: Atomics.load(cells, WAITS),
      contended: Math.max(0, Atomics.load(cells, WAITS) - Atomics.load(cells, CYCLES)),
      timeouts: Atomics.load(cells, TIMEOUTS),
      aborts: Atomics.load(cells, ABORTS),
      oldestWaiterMs: waiting.reduce((age, w) => Math.max(age, w.waitedMs), 0),
    });
  }

  inspect(): LockInspection {
    return { name: this.name, kind: this.kind, holders: [], waiters: this.#arrivals() };
  }

  /** The wait, for both forms (see SleepSteps): yields the state value to sleep on. */
  *#wait(started: number, timeout: number, signal: AbortSignal | undefined): SleepSteps<number> {
    // Before arriving: the last party would complete the cycle and run the action for a caller
    // that already gave up. Any party with an aborted signal breaks the cycle being filled.
    if (signal?.aborted) {
      if (this.#state.refuse()) throw new BarrierBrokenError(`${this.name} is broken`);
      return this.#finish('aborted', -1, started, timeout, signal);
    }
    let arrival = this.#arrive();
    while (typeof arrival === 'number') {
      const woke = yield arrival;
      // Gave up before getting in: the cycle never counted on this party, nothing to break.
      if (woke !== 'changed') return this.#finish(woke, -1, started, timeout, signal);
      arrival = this.#arrive();
    }
    if ('broken' in arrival) throw new BarrierBrokenError(`${this.name} is broken`);
    const { index } = arrival;
    if (index + 1 === this.parties) {
      return this.#finish(this.#completeCycle(), index, started, timeout, signal);
    }
    let outcome: Outcome;
    for (;;) {
      const released = this.#state.released();
      if (released !== undefined) {
        outcome = released;
        break;
      }
      const state = this.#state.value;
      if (!BarrierState.filling(state)) continue;
      const woke = yield state;
      if (woke !== 'changed') {
        outcome = this.#state.giveUp(woke);
        break;
      }
    }
    this.#state.leave();
    return this.#finish(outcome, index, started, timeout, signal);
  }

  /** Joins the cycle (see BarrierState.arrive) and records who arrived at which index, when. */
  #arrive(): Arrival {
    const arrival = this.#state.arrive();
    if (typeof arrival === 'object' && 'index' in arrival && arrival.index < MAX_TRACKED) {
      const tracked = Math.min(this.parties, MAX_TRACKED);
      Atomics.store(this.cells, ARRIVALS + tracked + arrival.index, this.clock.stamp());
      Atomics.store(this.cells, ARRIVALS + arrival.index, THREAD_TAG);
    }
    return arrival;
  }

  /** The last arrival: runs the action, opens the cycle (DRAINING) and leaves. */
  #completeCycle(): 'passed' | 'broken' {
    try {
      this.#action?.();
    } catch (error) {
      this.#state.abort();
      this.#state.leave();
      throw error;
    }
    const opened = this.#state.open();
    if (opened) Atomics.add(this.cells, CYCLES, 1);
    this.#state.leave();
    return opened ? 'passed' : 'broken';
  }

  /** Counts the outcome; the index when the cycle passed, else throws. */
  #finish(
    outcome: 'passed' | 'broken' | 'timeout' | 'aborted',
    index: number,
    started: number,
    timeout: number,
    signal: AbortSignal | undefined,
  ): number {
    const waited = performance.now() - started;
    if (outcome === 'passed') {
      Atomics.add(this.cells, WAITS, 1);
      if (this.instrument.active) this.instrument.acquired(waited);
      return index;
    }
    if (outcome === 'broken') throw new BarrierBrokenError(`${this.name} is broken`);
    Atomics.add(this.cells, outcome === 'timeout' ? TIMEOUTS : ABORTS, 1);
    if (this.instrument.active) {
      this.instrument.gaveUp(waited, outcome === 'timeout' ? 'timeout' : 'abort');
    }
    throw outcome === 'timeout' ? new LockTimeoutError(this.name, timeout) : signal?.reason;
  }

  #arrivals(): { id: string; waitedMs: number }[] {
    const tracked = Math.min(this.parties, MAX_TRACKED);
    const now = this.clock.now(); // one reading: the parties' waits compare
    return Array.from({ length: Math.min(this.waiting, tracked) }, (_, i) => ({
      id: threadLabel(Atomics.load(this.cells, ARRIVALS + i)),
      waitedMs: this.clock.ageMs(Atomics.load(this.cells, ARRIVALS + tracked + i), now),
    }));
  }
}
