import { TooManyWaitersError } from '../errors';
import type { SharedClock } from './shared-clock';
import { THREAD_TAG } from './thread-identity';
import {
  ABANDONED,
  GRANTED,
  IDLE,
  SINCE_COLUMN,
  SlotTable,
  slotValue,
  THREAD_COLUMN,
} from './ticket-slot';

/*
 * A FIFO of waiting threads in shared memory, for primitives whose state is kept under a lock
 * (SharedSemaphore and SharedRWLock under an internal guard, SharedCondition under its mutex).
 * Layout from `base`:
 *
 *   +0 head    oldest ticket not yet granted or skipped     ┐ changed only by the
 *   +1 tail    next ticket to register                      ┘ holder of that lock
 *   +2 slotCount N (a power of two)     +3 reserved
 *   +4 slot table: N rows of ticket state, waiter thread, since (SlotTable, ticket-slot.ts)
 *      and mode, what it waits for (RW lock: read or write)
 *
 *        head                 tail
 *         ▼                    ▼
 *   ... [ t5 ][ t6 ][ t7 ][ t8 ][    ][    ] ...   (slot = ticket mod N)
 *
 * Registering and granting happen under the lock; a waiter times out on its own with one CAS
 * on its slot (idle → abandoned), racing the grant's CAS (idle → granted): exactly one wins.
 * Abandoned tickets are skipped when they reach the head.
 */
const HEAD = 0;
const TAIL = 1;
const SLOT_COUNT = 2;
const SLOTS = 4;
const MODE_COLUMN = 3;

export interface RingWaiter {
  readonly thread: number;
  readonly since: number;
  readonly mode: number;
}

export class WaiterRing {
  readonly #cells: Int32Array;
  readonly #base: number;
  readonly #table: SlotTable;
  readonly #clock: SharedClock;

  static words(slotCount: number): number {
    return SLOTS + 4 * slotCount;
  }

  static initialize(cells: Int32Array, base: number, slotCount: number): void {
    cells[base + SLOT_COUNT] = slotCount;
  }

  static slotCountOf(cells: Int32Array, base: number): number {
    return cells[base + SLOT_COUNT] ?? 0;
  }

  constructor(cells: Int32Array, base: number, clock: SharedClock) {
    this.#cells = cells;
    this.#base = base;
    this.#table = new SlotTable(cells, base + SLOTS, Atomics.load(cells, base + SLOT_COUNT));
    this.#clock = clock;
  }

  /** Under the lock: queues this thread; its ticket, or null when all N slots are in use. */
  register(mode: number): number | null {
    const cells = this.#cells;
    const table = this.#table;
    const head = this.head() ?? Atomics.load(cells, this.#base + TAIL);
    const tail = Atomics.load(cells, this.#base + TAIL);
    if (((tail - head) | 0) >= table.count) return null;
    table.noteWaiter(tail, THREAD_TAG, this.#clock.stamp());
    table.write(MODE_COLUMN, tail, mode);
    Atomics.store(cells, table.cell(tail), slotValue(tail, IDLE));
    Atomics.store(cells, this.#base + TAIL, (tail + 1) | 0);
    return tail;
  }

  /** Under the lock: the oldest live ticket, or null; drops abandoned tickets at the head. */
  head(): number | null {
    const cells = this.#cells;
    const tail = Atomics.load(cells, this.#base + TAIL);
    let head = Atomics.load(cells, this.#base + HEAD);
    while (
      head !== tail &&
      Atomics.load(cells, this.#table.cell(head)) === slotValue(head, ABANDONED)
    ) {
      head = (head + 1) | 0;
    }
    Atomics.store(cells, this.#base + HEAD, head);
    return head === tail ? null : head;
  }

  modeOf(ticket: number): number {
    return this.#table.read(MODE_COLUMN, ticket);
  }

  threadOf(ticket: number): number {
    return this.#table.read(THREAD_COLUMN, ticket);
  }

  /** Under the lock: grants `ticket` (the head); false when its waiter abandoned it first. */
  grant(ticket: number): boolean {
    const won = this.#table.move(ticket, IDLE, GRANTED);
    Atomics.store(this.#cells, this.#base + HEAD, (ticket + 1) | 0);
    if (won) Atomics.notify(this.#cells, this.#table.cell(ticket));
    return won;
  }

  /** Under the lock: grants the oldest live waiter; false when nobody waits. */
  grantNext(): boolean {
    for (let ticket = this.head(); ticket !== null; ticket = this.head()) {
      if (this.grant(ticket)) return true;
    }
    return false;
  }

  /** Blocks (workers) until `ticket` is granted, or abandons it at the deadline. */
  waitSync(ticket: number, deadline: number): 'granted' | 'timeout' {
    return this.#table.waitSync(ticket, IDLE, deadline);
  }

  waitAsync(
    ticket: number,
    deadline: number,
    signal: AbortSignal | undefined,
  ): Promise<'granted' | 'timeout' | 'aborted'> {
    return this.#table.waitAsync(ticket, IDLE, deadline, signal);
  }

  /** The error for a full ring (register() returned null). */
  full(lock: string): TooManyWaitersError {
    return new TooManyWaitersError(
      `${lock}: all ${this.#table.count} waiter slots are in use (raise maxWaiters)`,
    );
  }

  /** Live waiters, oldest first (a racy snapshot, for stats and reports). */
  waiters(): RingWaiter[] {
    const cells = this.#cells;
    const table = this.#table;
    const tail = Atomics.load(cells, this.#base + TAIL);
    const waiting: RingWaiter[] = [];
    for (
      let ticket = Atomics.load(cells, this.#base + HEAD);
      ticket !== tail;
      ticket = (ticket + 1) | 0
    ) {
      if (Atomics.load(cells, table.cell(ticket)) !== slotValue(ticket, IDLE)) continue;
      waiting.push({
        thread: table.read(THREAD_COLUMN, ticket),
        since: table.read(SINCE_COLUMN, ticket),
        mode: table.read(MODE_COLUMN, ticket),
      });
      if (waiting.length > table.count) break;
    }
    return waiting;
  }
}
