import { TooManyWaitersError } from '../errors';
import type { SharedClock } from './shared-clock';
import { THREAD_TAG } from './thread-identity';
import {
  ABANDONED,
  GRANTED,
  IDLE,
  SINCE_COLUMN,
  SlotTable,
  slotState,
  slotValue,
  THREAD_COLUMN,
} from './ticket-slot';

/*
 * A FIFO of waiting threads in shared memory, for primitives whose state is kept under a lock
 * (SharedSemaphore and SharedRWLock under an internal guard, SharedCondition under its mutex).
 * Layout from `base`:
 *
 *   +0 head       position of the oldest ticket not yet granted or skipped  ┐ head, tail, next:
 *   +1 tail       position the next ticket queues at                        │ changed only by
 *   +2 slotCount  N (a power of two)                                        │ the holder of
 *   +3 next       the lowest number the next ticket may take                ┘ that lock
 *   +4 slot table: N rows of ticket state, waiter thread, since (SlotTable, ticket-slot.ts) and
 *      mode, what it waits for (RW lock: read or write), by ticket (row = ticket mod N); then
 *      the queue column, by position (row = position mod N): the tickets in arrival order
 *
 *                head               tail
 *                 ▼                  ▼
 *   queue:     [ t5 ][ t6 ][ t9 ][    ][    ] ...
 *   slot rows: t5 idle, t6 abandoned (its row is free for t6 + kN already), t9 idle, ...
 *
 * Registering and granting happen under the lock; a waiter times out on its own with one CAS
 * on its slot (idle → abandoned), racing the grant's CAS (idle → granted): exactly one wins.
 *
 * A ticket names a waiter, a position its place in line, and the two are kept apart so that a
 * wait that gave up frees what it held although live waiters still queue before it: its slot
 * is free as soon as it is abandoned (a new ticket takes the next number whose slot no live
 * waiter holds), and its position when the queue is full — register() then compacts the queue,
 * moving the live tickets down in order. Moving a ticket moves no waiter: each sleeps on its
 * own slot, which keeps its ticket. So `maxWaiters` counts live waiters, and order is arrival
 * order. Tickets grow with every registration (so they queue in increasing order), and a slot's
 * value repeats only after 2^29 / N reuses of that slot (the ticket lock's margin too).
 */
const HEAD = 0;
const TAIL = 1;
const SLOT_COUNT = 2;
const NEXT = 3;
const SLOTS = 4;
const MODE_COLUMN = 3;
const QUEUE_COLUMN = 4;

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
    return SLOTS + 5 * slotCount;
  }

  /** Lays out fresh (zeroed) cells: every slot free (a zero would read as ticket 0 waiting). */
  static initialize(cells: Int32Array, base: number, slotCount: number): void {
    cells[base + SLOT_COUNT] = slotCount;
    for (let i = 0; i < slotCount; i++) cells[base + SLOTS + i] = slotValue(i, ABANDONED);
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

  /** Under the lock: queues this thread; its ticket, or null when N live waiters queue already. */
  register(mode: number): number | null {
    const cells = this.#cells;
    const table = this.#table;
    const head = Atomics.load(cells, this.#base + HEAD);
    let tail = Atomics.load(cells, this.#base + TAIL);
    if (((tail - head) | 0) >= table.count) {
      tail = this.#compact(head, tail);
      if (((tail - head) | 0) >= table.count) return null;
    }
    // Fewer than N live waiters, so fewer than N slots are held: this ends within one lap.
    let ticket = Atomics.load(cells, this.#base + NEXT);
    while (this.#held(ticket)) ticket = (ticket + 1) | 0;
    table.noteWaiter(ticket, THREAD_TAG, this.#clock.stamp());
    table.write(MODE_COLUMN, ticket, mode);
    Atomics.store(cells, table.cell(ticket), slotValue(ticket, IDLE));
    table.write(QUEUE_COLUMN, tail, ticket);
    Atomics.store(cells, this.#base + TAIL, (tail + 1) | 0);
    Atomics.store(cells, this.#base + NEXT, (ticket + 1) | 0);
    return ticket;
  }

  /** Under the lock: the oldest live ticket, or null; drops given-up tickets at the head. */
  head(): number | null {
    const cells = this.#cells;
    const table = this.#table;
    const tail = Atomics.load(cells, this.#base + TAIL);
    let head = Atomics.load(cells, this.#base + HEAD);
    let ticket: number | null = null;
    for (; head !== tail; head = (head + 1) | 0) {
      const queued = table.read(QUEUE_COLUMN, head);
      if (this.#live(queued)) {
        ticket = queued;
        break;
      }
    }
    Atomics.store(cells, this.#base + HEAD, head);
    return ticket;
  }

  modeOf(ticket: number): number {
    return this.#table.read(MODE_COLUMN, ticket);
  }

  threadOf(ticket: number): number {
    return this.#table.read(THREAD_COLUMN, ticket);
  }

  /** Under the lock: grants `ticket`, from head(); false when its waiter gave up first. */
  grant(ticket: number): boolean {
    const cells = this.#cells;
    const won = this.#table.move(ticket, IDLE, GRANTED);
    Atomics.store(cells, this.#base + HEAD, (Atomics.load(cells, this.#base + HEAD) + 1) | 0);
    if (won) Atomics.notify(cells, this.#table.cell(ticket));
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
    const head = Atomics.load(cells, this.#base + HEAD);
    // Tail is read first and head may pass it before head is read: N positions at most.
    const span = Math.min((tail - head) | 0, table.count);
    const waiting: RingWaiter[] = [];
    let last = 0;
    for (let position = 0; position < span; position++) {
      const ticket = table.read(QUEUE_COLUMN, (head + position) | 0);
      if (Atomics.load(cells, table.cell(ticket)) !== slotValue(ticket, IDLE)) continue;
      // A compaction meanwhile can show a ticket twice: tickets queue in increasing order.
      if (waiting.length > 0 && ((ticket - last) | 0) <= 0) continue;
      last = ticket;
      waiting.push({
        thread: table.read(THREAD_COLUMN, ticket),
        since: table.read(SINCE_COLUMN, ticket),
        mode: table.read(MODE_COLUMN, ticket),
      });
    }
    return waiting;
  }

  /** Whether `ticket`'s waiter still waits (neither granted nor gone). */
  #live(ticket: number): boolean {
    return Atomics.load(this.#cells, this.#table.cell(ticket)) === slotValue(ticket, IDLE);
  }

  /** Whether the slot `ticket` would use holds a live waiter (of ticket - kN). */
  #held(ticket: number): boolean {
    const state = slotState(Atomics.load(this.#cells, this.#table.cell(ticket)));
    return state !== GRANTED && state !== ABANDONED;
  }

  /**
   * Under the lock, with the queue full: drops the tickets whose waiters were granted or gave
   * up, moving the live ones down from `head` in order; returns the new tail. A waiter giving up
   * meanwhile stays queued until head() skips it. A racy reader (waiters()) may see a ticket in
   * two positions while this runs, and tells them apart.
   */
  #compact(head: number, tail: number): number {
    const table = this.#table;
    let kept = head;
    for (let position = head; position !== tail; position = (position + 1) | 0) {
      const ticket = table.read(QUEUE_COLUMN, position);
      if (!this.#live(ticket)) continue;
      if (kept !== position) table.write(QUEUE_COLUMN, kept, ticket);
      kept = (kept + 1) | 0;
    }
    Atomics.store(this.#cells, this.#base + TAIL, kept);
    return kept;
  }
}
