/*
 * The SharedBarrier's state: one Int32 cell that every party compare-and-swaps and sleeps on.
 *
 *   bits 0-15 count (parties inside wait)   bits 16-17 phase
 *
 * Python's Barrier state machine, lock-free:
 *
 *   FILLING ──last arrival, action ok──▶ DRAINING ──last one out──▶ FILLING (next cycle)
 *      │  ▲                                                          ▲
 *      │  └──────────────── reset(), last one out ◀── RESETTING ─────┘
 *      └─ abort / timeout / action throws ──▶ BROKEN ──reset()──▶ RESETTING or FILLING
 *
 * Arrivals wait while DRAINING or RESETTING, so the parties of one cycle have all left before
 * the next cycle fills: a slow waker can never mistake the next cycle for its own.
 */
const FILLING = 0;
const DRAINING = 1;
const RESETTING = 2;
const BROKEN = 3;

export const MAX_PARTIES = 0xffff;

const countOf = (state: number): number => state & 0xffff;
const phaseOf = (state: number): number => state >>> 16;
const stateOf = (phase: number, count: number): number => (phase << 16) | count;

/** What a party learns after arriving: it passed (the cycle opened) or the barrier broke. */
export type Released = 'passed' | 'broken';

/** Arrival: this party's index, `broken`, or the state value to sleep on before retrying. */
export type Arrival = { readonly index: number } | { readonly broken: true } | number;

export class BarrierState {
  readonly #cells: Int32Array;
  readonly #index: number;
  readonly #parties: number;

  constructor(cells: Int32Array, index: number, parties: number) {
    this.#cells = cells;
    this.#index = index;
    this.#parties = parties;
  }

  /** The raw cell value, to sleep on. */
  get value(): number {
    return Atomics.load(this.#cells, this.#index);
  }

  get broken(): boolean {
    return phaseOf(this.value) === BROKEN;
  }

  /** Parties waiting in the cycle being filled. */
  get waiting(): number {
    const state = this.value;
    return phaseOf(state) === FILLING ? countOf(state) : 0;
  }

  /** Whether a party still waiting for its cycle should keep sleeping on `state`. */
  static filling(state: number): boolean {
    return phaseOf(state) === FILLING;
  }

  /** Joins the cycle being filled, if one is (see {@link Arrival}). */
  arrive(): Arrival {
    for (;;) {
      const state = this.value;
      const phase = phaseOf(state);
      const count = countOf(state);
      if (phase === BROKEN) return { broken: true };
      if (phase !== FILLING || count >= this.#parties) return state;
      if (Atomics.compareExchange(this.#cells, this.#index, state, state + 1) === state) {
        return { index: count };
      }
    }
  }

  /** For a waiting party: 'passed' once DRAINING, 'broken' once broken or reset, else undefined. */
  released(): Released | undefined {
    const phase = phaseOf(this.value);
    if (phase === DRAINING) return 'passed';
    if (phase === BROKEN || phase === RESETTING) return 'broken';
    return undefined;
  }

  /** The last arrival releases the cycle, unless it was broken or reset meanwhile. */
  open(): boolean {
    let opened = false;
    this.#update((state) => {
      opened = phaseOf(state) === FILLING;
      return opened ? stateOf(DRAINING, countOf(state)) : state;
    });
    return opened;
  }

  /** A party that gives up breaks a cycle still filling; if the cycle opened first, it passed. */
  giveUp<O extends string>(outcome: O): Released | O {
    let result: Released | O = outcome;
    this.#update((state) => {
      const phase = phaseOf(state);
      if (phase === DRAINING) result = 'passed';
      else if (phase !== FILLING) result = 'broken';
      return phase === FILLING ? stateOf(BROKEN, countOf(state)) : state;
    });
    return result;
  }

  /**
   * A party that gives up before arriving (its signal was aborted already) breaks a cycle still
   * filling, as a party inside giving up would; a cycle draining or resetting never counted on
   * it. True when the barrier was broken already.
   */
  refuse(): boolean {
    let broken = false;
    this.#update((state) => {
      const phase = phaseOf(state);
      broken = phase === BROKEN;
      return phase === FILLING ? stateOf(BROKEN, countOf(state)) : state;
    });
    return broken;
  }

  /** count - 1; the last one out of a draining or resetting cycle opens the next one. */
  leave(): void {
    this.#update((state) => {
      const count = countOf(state) - 1;
      const phase = phaseOf(state);
      return count === 0 && (phase === DRAINING || phase === RESETTING)
        ? stateOf(FILLING, 0)
        : stateOf(phase, count);
    });
  }

  abort(): void {
    this.#update((state) => stateOf(BROKEN, countOf(state)));
  }

  /** Python's reset(): empty and filling, or RESETTING until the parties inside have left. */
  reset(): void {
    this.#update((state) => {
      const count = countOf(state);
      if (count === 0) return stateOf(FILLING, 0);
      const phase = phaseOf(state);
      return phase === FILLING || phase === BROKEN ? stateOf(RESETTING, count) : state;
    });
  }

  /** CAS loop; every change wakes every sleeper (they re-check). */
  #update(next: (state: number) => number): void {
    for (;;) {
      const state = this.value;
      const updated = next(state);
      if (updated === state) return;
      if (Atomics.compareExchange(this.#cells, this.#index, state, updated) === state) {
        Atomics.notify(this.#cells, this.#index);
        return;
      }
    }
  }
}
