import { validate } from '../common/validate';
import { driveAsync, driveSync, type SleepSteps } from './atomic-wait';

/*
 * A ticket's slot holds its state *and* (the low 29 bits of) the ticket number:
 *
 *   bit 31  30 ............................. 2   1  0
 *   ┌──────┬───────────────────────────────────┬───────┐
 *   │  0   │ ticket & 0x1fffffff               │ state │   state: 0 idle, 1 granted, 2 abandoned,
 *   └──────┴───────────────────────────────────┴───────┘          3 sleeping (idle, and a waiter
 *                                                                   sleeps on it)
 *
 * Slots are reused round-robin (ticket t uses slot t mod N), so the ticket number in the value
 * is what keeps the owner of ticket t from mistaking the state of ticket t + N for its own.
 * Granting and abandoning are one compare-and-swap each on the same value, so when a timeout
 * races a grant exactly one of them wins: the waiter either holds the lock or has left.
 */
export const IDLE = 0;
export const GRANTED = 1;
export const ABANDONED = 2;
/** Idle, with its waiter asleep on the cell: only then does a grant pay for Atomics.notify. */
export const SLEEPING = 3;

const TICKET_MASK = 0x1fffffff;

export function slotValue(ticket: number, state: number): number {
  return ((ticket & TICKET_MASK) << 2) | state;
}

/** The state bits of a slot's value, whichever ticket it is tagged with. */
export function slotState(value: number): number {
  return value & 3;
}

export const DEFAULT_MAX_WAITERS = 256;
const MAX_WAITERS = 1 << 16;

/**
 * Slot count for `maxWaiters`: a power of two (so `ticket & (N - 1)` stays the slot across the
 * Int32 wrap-around of ticket numbers), at least 2.
 */
export function slotCount(maxWaiters: unknown): number {
  const wanted =
    maxWaiters === undefined
      ? DEFAULT_MAX_WAITERS
      : validate.integer(maxWaiters, 'maxWaiters', 1, MAX_WAITERS);
  let count = 2;
  while (count < wanted) count *= 2;
  return count;
}

/** The columns of a {@link SlotTable} every table has (a table may add more after them). */
export const THREAD_COLUMN = 1;
export const SINCE_COLUMN = 2;

/**
 * N ticket slots in shared cells, column by column from `start` (ticket t uses row t mod N):
 *
 *   state[N] │ thread[N] │ since[N] │ ...more columns (the waiter ring's mode[N])
 *
 * Shared by the ticket lock and the waiter ring: the state cell is what a waiter sleeps on and
 * what a grant and a give-up race for with one compare-and-swap each.
 */
export class SlotTable {
  readonly count: number;
  readonly #cells: Int32Array;
  readonly #start: number;
  readonly #mask: number;

  constructor(cells: Int32Array, start: number, count: number) {
    this.#cells = cells;
    this.#start = start;
    this.count = count;
    this.#mask = count - 1;
  }

  /** Index of `ticket`'s state cell. */
  cell(ticket: number): number {
    return this.#start + (ticket & this.#mask);
  }

  /** `from` → `to` (states of `ticket`) in one CAS: of two racing moves, exactly one wins. */
  move(ticket: number, from: number, to: number): boolean {
    const expected = slotValue(ticket, from);
    return (
      Atomics.compareExchange(this.#cells, this.cell(ticket), expected, slotValue(ticket, to)) ===
      expected
    );
  }

  read(column: number, ticket: number): number {
    return Atomics.load(this.#cells, this.cell(ticket) + column * this.count);
  }

  write(column: number, ticket: number, value: number): void {
    Atomics.store(this.#cells, this.cell(ticket) + column * this.count, value);
  }

  /**
   * Blocks (workers) on `ticket`'s state cell while it holds `state`, until granted or the
   * `deadline`; then the ticket is given up (see #sleepWhile).
   */
  waitSync(ticket: number, state: number, deadline: number): 'granted' | 'timeout' {
    const sleep = this.#sleepWhile(ticket, state);
    // Without a signal, a wait ends granted or timed out.
    return driveSync(sleep, this.#cells, this.cell(ticket), deadline) as 'granted' | 'timeout';
  }

  /** {@link waitSync} without blocking, also ended by `signal`. */
  waitAsync(
    ticket: number,
    state: number,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<'granted' | 'timeout' | 'aborted'> {
    const sleep = this.#sleepWhile(ticket, state);
    return driveAsync(sleep, this.#cells, this.cell(ticket), deadline, signal);
  }

  /**
   * Sleeps on `ticket`'s state cell while it holds `state`, for both forms (see SleepSteps).
   * When the deadline or the signal comes first, the ticket is given up (→ abandoned) unless a
   * grant's CAS won that race, which then counts. Any other value in the cell means granted:
   * once granted and passed by, the slot may already be armed again for ticket + N.
   */
  *#sleepWhile(ticket: number, state: number): SleepSteps<'granted' | 'timeout' | 'aborted'> {
    const value = slotValue(ticket, state);
    while (Atomics.load(this.#cells, this.cell(ticket)) === value) {
      const outcome = yield value;
      if (outcome !== 'changed' && this.move(ticket, state, ABANDONED)) return outcome;
    }
    return 'granted';
  }

  /**
   * Records who waits on `ticket` since when: `since` first, as a set thread marks a complete
   * entry.
   */
  noteWaiter(ticket: number, thread: number, since: number): void {
    this.write(SINCE_COLUMN, ticket, since);
    this.write(THREAD_COLUMN, ticket, thread);
  }
}
