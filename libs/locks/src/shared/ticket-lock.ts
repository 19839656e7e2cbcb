import { deadlineAfter, driveAsync, driveSync, type SleepSteps } from './atomic-wait';
import type { SharedClock } from './shared-clock';
import { readTally, type TallyCounts } from './shared-tally';
import { THREAD_TAG } from './thread-identity';
import {
  ABANDONED,
  GRANTED,
  IDLE,
  SINCE_COLUMN,
  SLEEPING,
  SlotTable,
  slotValue,
  THREAD_COLUMN,
} from './ticket-slot';

/*
 * A FIFO ticket lock over Int32 cells, the engine of SharedMutex (and the guard inside the
 * other shared primitives). Layout from `base`:
 *
 *   +0  next          next ticket to hand out (arrivals: compare-and-swap)
 *   +1  serving       ticket of the current owner, else the last one resolved: owned and passed
 *                     on, or abandoned and skipped (written by the owner, or the release skipping)
 *   +2  owner         THREAD_TAG of the holder, 0 when free
 *   +3  ownerSince    stamp of the grant when it was contended or became so, 0 = not measured
 *   +4  acquisitions  +5 contended  +6 timeouts  +7 aborts
 *   +8  windowWaiters arrivals waiting for a ticket (N already wait behind the holder)
 *   +9  slotCount     N, a power of two
 *   +10 recoveries    dead threads' holds released by recoverDeadThread (a counter)
 *   +11 heir          the ticket the last recovery handed the lock to  +12 heirSet 1 while valid
 *   +13 windowSince   stamp of the oldest windowWaiter's arrival, 0 = none or being rebuilt
 *   +14 windowTurn    bumped to wake the window waiters, who sleep on it (see #windowWait)
 *   +15 slot table    N rows of ticket state, waiter thread and since (SlotTable, ticket-slot.ts)
 *
 * Tickets are served in order: an arrival takes ticket t and owns the lock once slot t says
 * granted. Release grants t + 1 — or skips it when its waiter abandoned it (timeout/abort) —
 * with a CAS on that slot, so each waiter sleeps on its own cell and a release wakes exactly
 * the next thread (no thundering herd); a waiter marks its slot sleeping before Atomics.wait,
 * so a release pays for Atomics.notify only when someone actually sleeps. The lock is free
 * when the next ticket to be handed out is already granted; `tryLock` takes it only then, so
 * nobody jumps the queue.
 *
 *            serving                   next
 *               ▼                       ▼
 *   tickets:  [ 41 ][ 42 ][ 43 ][ 44 ][ 45 ]
 *              held  wait  gone  wait  not taken yet
 *   (gone: its waiter timed out or was aborted; the release that reaches it skips it)
 *
 * Ticket t is only handed out once ticket t - N is resolved (t - serving <= N): slot t is then
 * already re-armed (idle, tagged t) by whoever resolved ticket t - N, as every resolution
 * re-arms its slot (and clears its waiter row) before it moves `serving` onto its ticket. So N
 * tickets can wait behind the holder's, the last of them in the holder's own slot: the holder
 * re-armed it for that ticket when it was granted, and touches it no more while it holds
 * (only tickets after `serving` are ever granted, skipped or abandoned). An abandoned ticket
 * stays outstanding until a release skips it; the skip moves `serving` onto it, so a free lock
 * always leaves room for the next arrival.
 *
 * Arrivals past those N wait in the "window" for a ticket, outside ticket order. They have no
 * row to be named in (their number is not bounded by anything the layout could be sized by), so
 * they are counted (windowWaiters) and the oldest one's arrival is kept (windowSince): reports
 * show them as one entry, "3 threads waiting for a ticket", aged by the oldest.
 */
const NEXT = 0;
const SERVING = 1;
const OWNER = 2;
const OWNER_SINCE = 3;
const ACQUISITIONS = 4;
const CONTENDED = 5;
const TIMEOUTS = 6;
const ABORTS = 7;
const WINDOW_WAITERS = 8;
const SLOT_COUNT = 9;
const RECOVERIES = 10;
const HEIR = 11;
const HEIR_SET = 12;
const WINDOW_SINCE = 13;
const WINDOW_TURN = 14;
const SLOTS = 15;

/**
 * Polls of a slot (a few µs) before sleeping on it. A strict FIFO handoff to a thread that went
 * to sleep costs a futex wake-up, and two busy threads passing the lock back and forth would
 * then convoy on wake-ups: measured on 2 cores, 64 polls gave ~0.3 M acquisitions/s under real
 * contention, 1000-16000 polls ~1-3 M.
 */
const SPINS = 2000;

export interface TicketWaiter {
  readonly thread: number;
  readonly since: number;
}

/** The arrivals waiting for a ticket: how many, and the oldest one's arrival stamp. */
export interface WindowWaiters {
  readonly threads: number;
  readonly since: number;
}

export class TicketLock {
  readonly #cells: Int32Array;
  readonly #base: number;
  readonly #slots: number;
  readonly #mask: number;
  readonly #table: SlotTable;
  readonly #clock: SharedClock;

  static words(slotCount: number): number {
    return SLOTS + 3 * slotCount;
  }

  /** Writes the initial state into fresh (zeroed) cells: ticket 0 granted, slot i armed for i. */
  static initialize(cells: Int32Array, base: number, slotCount: number): void {
    cells[base + SERVING] = -1;
    cells[base + SLOT_COUNT] = slotCount;
    for (let i = 0; i < slotCount; i++) cells[base + SLOTS + i] = slotValue(i, IDLE);
    cells[base + SLOTS] = slotValue(0, GRANTED);
  }

  /** The slot count recorded in cells laid out by {@link initialize} (0 if they are not). */
  static slotCountOf(cells: Int32Array, base: number): number {
    return cells[base + SLOT_COUNT] ?? 0;
  }

  constructor(cells: Int32Array, base: number, clock: SharedClock) {
    this.#cells = cells;
    this.#base = base;
    this.#slots = Atomics.load(cells, base + SLOT_COUNT);
    this.#mask = this.#slots - 1;
    this.#table = new SlotTable(cells, base + SLOTS, this.#slots);
    this.#clock = clock;
  }

  get slotCount(): number {
    return this.#slots;
  }

  /** THREAD_TAG of the holder, 0 when free. */
  get owner(): number {
    return Atomics.load(this.#cells, this.#base + OWNER);
  }

  /** The holder's ticket (meaningful while held). */
  get serving(): number {
    return Atomics.load(this.#cells, this.#base + SERVING);
  }

  /** The ticket if the lock is free and nobody waits, else null. */
  tryLock(): number | null {
    const cells = this.#cells;
    const ticket = Atomics.load(cells, this.#base + NEXT);
    if (Atomics.load(cells, this.#slot(ticket)) !== slotValue(ticket, GRANTED)) return null;
    if (Atomics.compareExchange(cells, this.#base + NEXT, ticket, (ticket + 1) | 0) !== ticket) {
      return null;
    }
    this.#acquired(ticket, false);
    return ticket;
  }

  /** Blocks (worker threads only) until owned; null on timeout. */
  lockSync(timeout: number): number | null {
    const deadline = deadlineAfter(timeout);
    const cells = this.#cells;
    const first = this.#takeTicket();
    const ticket =
      first ?? driveSync(this.#windowWait(), cells, this.#base + WINDOW_TURN, deadline);
    if (typeof ticket !== 'number') return null;
    // A ticket from the window counts as contended even when granted at once: its thread waited.
    if (this.#isGranted(ticket)) return this.#acquired(ticket, first === null);
    this.#noteWaiter(ticket);
    for (let spins = 0; spins < SPINS; spins++) {
      if (this.#isGranted(ticket)) return this.#acquired(ticket, true);
    }
    if (!this.#markSleeping(ticket)) return this.#acquired(ticket, true);
    const turn = this.#table.waitSync(ticket, SLEEPING, deadline);
    return turn === 'granted' ? this.#acquired(ticket, true) : this.#gaveUp(TIMEOUTS);
  }

  /** Waits without blocking until owned; 'timeout' or 'aborted' when it gave up. */
  async lockAsync(
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<number | 'timeout' | 'aborted'> {
    const deadline = deadlineAfter(timeout);
    const cells = this.#cells;
    const first = this.#takeTicket();
    const ticket =
      first ??
      (await driveAsync(this.#windowWait(), cells, this.#base + WINDOW_TURN, deadline, signal));
    if (typeof ticket !== 'number') return ticket;
    // A ticket from the window counts as contended even when granted at once: its thread waited.
    if (this.#isGranted(ticket)) return this.#acquired(ticket, first === null);
    this.#noteWaiter(ticket);
    if (!this.#markSleeping(ticket)) return this.#acquired(ticket, true);
    const turn = await this.#table.waitAsync(ticket, SLEEPING, deadline, signal);
    if (turn === 'granted') return this.#acquired(ticket, true);
    return this.#gaveUp(turn === 'timeout' ? TIMEOUTS : ABORTS) ?? turn;
  }

  /** Hands the lock to the next live ticket. Only the owner of `ticket` may call it. */
  unlock(ticket: number): void {
    Atomics.store(this.#cells, this.#base + OWNER, 0);
    let next = (ticket + 1) | 0;
    while (!this.#grant(next)) next = (next + 1) | 0;
    if (next !== ((ticket + 1) | 0)) this.#servingMoved();
  }

  /**
   * Grants `ticket`, or skips it (false) when its waiter abandoned it: the slot is then re-armed
   * for the ticket that will use it next, `serving` moves onto the skipped ticket, and the caller
   * goes on to the following ticket (then calls #servingMoved).
   */
  #grant(ticket: number): boolean {
    const cells = this.#cells;
    const slot = this.#slot(ticket);
    const granted = slotValue(ticket, GRANTED);
    let seen = Atomics.compareExchange(cells, slot, slotValue(ticket, IDLE), granted);
    if (seen === slotValue(ticket, IDLE)) return true; // nobody asleep on it: no notify needed
    if (seen === slotValue(ticket, SLEEPING)) {
      seen = Atomics.compareExchange(cells, slot, seen, granted);
      if (seen === slotValue(ticket, SLEEPING)) {
        Atomics.notify(cells, slot);
        return true;
      }
    }
    if (seen !== slotValue(ticket, ABANDONED)) {
      throw new Error(`ticket lock corrupted: slot of ticket ${ticket} holds ${seen}`);
    }
    this.#clearWaiter(ticket);
    Atomics.store(cells, slot, slotValue((ticket + this.#slots) | 0, IDLE));
    // Resolved like a ticket that was owned and passed on: `serving` moves onto it (after the
    // re-arm, as in #acquired), so the window counts only tickets still unresolved. Left behind,
    // skipped tickets would fill the window for good when the grant lands on a ticket nobody has
    // taken yet: the lock free, and no owner to move `serving` and wake the window waiters. The
    // store comes before the next grant, after which the new owner publishes its own ticket.
    Atomics.store(cells, this.#base + SERVING, ticket);
    return false;
  }

  /**
   * After a release skipped tickets (see #grant): wakes the window waiters, once, for the moved
   * `serving`. They announce themselves in windowWaiters before reading windowTurn and then
   * `serving`, and whoever moves `serving` reads windowWaiters after moving it and then bumps
   * windowTurn, so a waiter that read the old `serving` is counted here, and its Atomics.wait
   * on the turn it read returns at once or is notified.
   */
  #servingMoved(): void {
    if (Atomics.load(this.#cells, this.#base + WINDOW_WAITERS) !== 0) this.#wakeWindow();
  }

  #wakeWindow(): void {
    Atomics.add(this.#cells, this.#base + WINDOW_TURN, 1);
    Atomics.notify(this.#cells, this.#base + WINDOW_TURN);
  }

  counters(): TallyCounts {
    return readTally(this.#cells, this.#base + ACQUISITIONS);
  }

  /**
   * Robust-mutex recovery (POSIX's EOWNERDEAD), called by a thread that KNOWS the thread tagged
   * `tag` is dead (its Worker emitted 'exit'): every ticket it waits with is abandoned, and a
   * hold it left — or a grant that reached it after it died — is released on its behalf, the
   * next live ticket becoming the heir (see isHeir). Never on the lock/unlock path.
   *
   * Why this is race-free while live threads take tickets, time out and unlock meanwhile:
   * - The dead thread writes nothing any more, so its cells only change through others: a grant
   *   (CAS idle/sleeping → granted by the releaser of the ticket before it) or this recovery.
   * - Its waiting ticket t is abandoned with the very CAS the timeout path uses (idle/sleeping →
   *   abandoned, exact ticket number in the value): against a racing grant exactly one wins.
   *   If the grant won, the lock now belongs to t, whose thread will never take it: the
   *   recovery takes it over with one more CAS (granted(t) → idle(t + N), the re-arm #acquired
   *   would have done) and releases it; a second recovery of the same thread loses that CAS
   *   and does nothing. Nobody else can touch a granted slot: only its owner re-arms it.
   * - A hold (owner cell = tag) is taken over with a CAS owner tag → 0 (again: one winner);
   *   while the dead thread holds, nobody else is granted, so its ticket is `serving` (or the
   *   next one, see #heldTicket) and only this recovery may move it — exactly the release the
   *   owner would have done.
   * - A row's thread column names the dead thread only while its current ticket is one the
   *   thread waited with (every resolution of a waited ticket clears it; thread ids are never
   *   reused), and every CAS names the exact ticket, so a torn read of next/serving or a slot
   *   re-armed meanwhile only makes a CAS fail, never hits another ticket.
   * - The heir is recorded before each grant attempt, so it is visible to the heir once granted.
   *
   * What it cannot see: a thread killed (terminate/OOM) inside the few instructions between
   * taking a ticket and registering as its waiter (or, uncontended, naming itself owner), or
   * inside unlock() between clearing the owner and its grant. Such a state names no thread,
   * so it is indistinguishable from a live thread passing through and is left alone.
   * (process.exit() and an uncaught throw stop a thread only where its own code calls or
   * throws them, never there.) The heir is remembered as a ticket number until the next recovery or
   * markConsistent(): after 2^32 more acquisitions the same number would report ownerDied.
   */
  recoverDeadThread(tag: number): { wasOwner: boolean; abandonedTickets: number } {
    const cells = this.#cells;
    const table = this.#table;
    let abandonedTickets = 0;
    let wasOwner = false;
    // Its waits first, so that releasing its hold cannot grant one of them (it would be taken
    // over anyway — this order just keeps that path for true races).
    const next = Atomics.load(cells, this.#base + NEXT);
    let ticket = (Atomics.load(cells, this.#base + SERVING) + 1) | 0;
    for (let seen = 0; ticket !== next && seen < this.#slots; ticket = (ticket + 1) | 0, seen++) {
      if (table.read(THREAD_COLUMN, ticket) !== tag) continue;
      if (table.move(ticket, IDLE, ABANDONED) || table.move(ticket, SLEEPING, ABANDONED)) {
        abandonedTickets++;
      } else if (this.#inheritGrant(ticket)) {
        wasOwner = true;
      }
    }
    if (Atomics.compareExchange(cells, this.#base + OWNER, tag, 0) === tag) {
      wasOwner = true;
      this.#handOver(this.#heldTicket());
    }
    return { wasOwner, abandonedTickets };
  }

  /**
   * The ticket of a dead owner (owner cell = its tag, just cleared by the recovery): `serving`,
   * unless it died inside #acquired after naming itself owner and before publishing `serving`.
   * Then its ticket is serving + 1 (the release that granted it moved `serving` onto any
   * ticket it skipped before granting), whose slot is still granted (re-armed here) or already
   * re-armed for serving + 1 + N; neither can hold while the owner's grant is complete (only
   * the owner grants serving + 1, and serving + 1 + N is not handed out before serving moves).
   */
  #heldTicket(): number {
    const serving = Atomics.load(this.#cells, this.#base + SERVING);
    const ticket = (serving + 1) | 0;
    if (this.#takeOverGrant(ticket) === 'other') return serving;
    this.#publish(ticket);
    return ticket;
  }

  /**
   * The re-arm #acquired would have done for a dead thread's `ticket`, as one CAS (granted(t) →
   * idle(t + N)): 'taken' when this call did it, 'rearmed' when the slot already was (the dead
   * thread got that far itself), 'other' when the slot is in any other state (nothing done).
   */
  #takeOverGrant(ticket: number): 'taken' | 'rearmed' | 'other' {
    const granted = slotValue(ticket, GRANTED);
    const rearmed = slotValue((ticket + this.#slots) | 0, IDLE);
    const seen = Atomics.compareExchange(this.#cells, this.#slot(ticket), granted, rearmed);
    if (seen === granted) return 'taken';
    return seen === rearmed ? 'rearmed' : 'other';
  }

  /** What #acquired does after the re-arm, for a dead thread's ticket: serving moves to it. */
  #publish(ticket: number): void {
    const cells = this.#cells;
    this.#clearWaiter(ticket);
    Atomics.store(cells, this.#base + SERVING, ticket);
    this.#servingMoved();
  }

  /** A grant that reached a dead waiter: completes its acquire (one CAS) and releases it. */
  #inheritGrant(ticket: number): boolean {
    // Resolved otherwise when not granted: abandoned earlier, or another recovery took it.
    if (this.#takeOverGrant(ticket) !== 'taken') return false;
    this.#publish(ticket);
    this.#handOver(ticket);
    return true;
  }

  /** unlock() for a dead holder of `ticket`, recording each ticket it grants as the heir. */
  #handOver(ticket: number): void {
    const cells = this.#cells;
    Atomics.add(cells, this.#base + RECOVERIES, 1);
    Atomics.store(cells, this.#base + OWNER, 0);
    for (let next = (ticket + 1) | 0; ; next = (next + 1) | 0) {
      Atomics.store(cells, this.#base + HEIR, next);
      Atomics.store(cells, this.#base + HEIR_SET, 1);
      if (this.#grant(next)) {
        if (next !== ((ticket + 1) | 0)) this.#servingMoved();
        return;
      }
    }
  }

  /** Holds of dead threads released by {@link recoverDeadThread}. */
  get recoveries(): number {
    return Atomics.load(this.#cells, this.#base + RECOVERIES) >>> 0; // unsigned: see readTally
  }

  /** Whether `ticket` is the one the last recovery handed the lock to (see recoverDeadThread). */
  isHeir(ticket: number): boolean {
    const cells = this.#cells;
    return (
      Atomics.load(cells, this.#base + HEIR_SET) === 1 &&
      Atomics.load(cells, this.#base + HEIR) === ticket
    );
  }

  /** The heir declared the data consistent again: `isHeir` is false from now on. */
  clearHeir(): void {
    Atomics.store(this.#cells, this.#base + HEIR_SET, 0);
  }

  /** Counts a wait refused before it began (aborted signal, zero timeout). */
  recordGiveUp(reason: 'timeout' | 'abort'): void {
    this.#gaveUp(reason === 'timeout' ? TIMEOUTS : ABORTS);
  }

  /** Stamp of the current grant (or of the first waiter behind it); 0 when not measured. */
  get ownerSince(): number {
    return Atomics.load(this.#cells, this.#base + OWNER_SINCE);
  }

  /** Tickets taken and not yet owned or abandoned, oldest first. */
  waiters(): TicketWaiter[] {
    const cells = this.#cells;
    const table = this.#table;
    const next = Atomics.load(cells, this.#base + NEXT);
    const waiting: TicketWaiter[] = [];
    for (
      let ticket = (Atomics.load(cells, this.#base + SERVING) + 1) | 0;
      ticket !== next;
      ticket = (ticket + 1) | 0
    ) {
      const state = Atomics.load(cells, table.cell(ticket));
      if (state === slotValue(ticket, ABANDONED) || state >>> 2 !== slotValue(ticket, IDLE) >>> 2) {
        continue;
      }
      const thread = table.read(THREAD_COLUMN, ticket);
      if (thread === 0) continue; // taken a moment ago, not registered yet
      waiting.push({ thread, since: table.read(SINCE_COLUMN, ticket) });
      if (waiting.length > this.#slots) break; // a torn read of next/serving; report what we have
    }
    return waiting;
  }

  /**
   * The arrivals waiting for a ticket (see #windowWait), or null when there are none. While the
   * oldest one's stamp is being rebuilt (a few µs after the oldest left) the age reads 0.
   */
  windowWaiters(): WindowWaiters | null {
    const cells = this.#cells;
    const threads = Atomics.load(cells, this.#base + WINDOW_WAITERS);
    if (threads <= 0) return null;
    const since = Atomics.load(cells, this.#base + WINDOW_SINCE);
    return { threads, since: since === 0 ? this.#clock.stamp() : since };
  }

  /** The state cell of `ticket` (SlotTable.cell, computed here: it is on every acquire's path). */
  #slot(ticket: number): number {
    return this.#base + SLOTS + (ticket & this.#mask);
  }

  #isGranted(ticket: number): boolean {
    return Atomics.load(this.#cells, this.#slot(ticket)) === slotValue(ticket, GRANTED);
  }

  /** Idle → sleeping, so that the release pays for a notify; false when the grant came first. */
  #markSleeping(ticket: number): boolean {
    return this.#table.move(ticket, IDLE, SLEEPING);
  }

  #takeTicket(): number | null {
    const cells = this.#cells;
    for (;;) {
      const ticket = Atomics.load(cells, this.#base + NEXT);
      if (this.#windowFull(Atomics.load(cells, this.#base + SERVING), ticket)) return null;
      if (Atomics.compareExchange(cells, this.#base + NEXT, ticket, (ticket + 1) | 0) === ticket) {
        return ticket;
      }
    }
  }

  /** Ticket `next` may not be handed out yet: ticket next - N is unresolved (see the header). */
  #windowFull(serving: number, next: number): boolean {
    return ((next - serving) | 0) > this.#slots;
  }

  /**
   * N tickets already wait behind the holder's (rare): sleeps on windowTurn until a ticket can
   * be taken. Counted in windowWaiters from arrival to departure, so that whoever moves
   * `serving` wakes it (see #servingMoved); its arrival stamp is kept in windowSince while it is
   * the oldest. For both forms (see SleepSteps).
   */
  *#windowWait(): SleepSteps<number | 'timeout' | 'aborted'> {
    const cells = this.#cells;
    // 0 in windowSince means "no stamp", so a stamp of 0 (the buffer's first ms) is taken as 1.
    const since = Math.max(1, this.#clock.stamp());
    Atomics.add(cells, this.#base + WINDOW_WAITERS, 1);
    for (;;) {
      const turn = Atomics.load(cells, this.#base + WINDOW_TURN);
      this.#noteWindowSince(since);
      const ticket = this.#takeTicket();
      if (ticket !== null) {
        this.#leaveWindow(since);
        return ticket;
      }
      const outcome = yield turn;
      if (outcome !== 'changed') {
        this.#leaveWindow(since);
        this.#gaveUp(outcome === 'timeout' ? TIMEOUTS : ABORTS);
        return outcome;
      }
    }
  }

  /**
   * windowSince = min(windowSince, since): one CAS, retried only when another waiter changed it.
   * Done on every wake-up, so that after a reset (see #leaveWindow) the stamp is rebuilt.
   */
  #noteWindowSince(since: number): void {
    const cell = this.#base + WINDOW_SINCE;
    for (;;) {
      const seen = Atomics.load(this.#cells, cell);
      if (seen !== 0 && seen <= since) return;
      if (Atomics.compareExchange(this.#cells, cell, seen, since) === seen) return;
    }
  }

  /**
   * A window waiter leaves (with a ticket, or giving up). If its stamp is the one kept, nobody
   * knows the next oldest: it clears the stamp and wakes the others, who write theirs again.
   * Why that cannot lose a stamp: a waiter writes its stamp after reading windowTurn, and the
   * clear comes before the bump, so a stamp written before the clear belongs to a waiter whose
   * sleep on the turn it read returns at once or is notified; it then writes its stamp again.
   * The count is read after the clear: a waiter whose stamp the clear lost has counted itself
   * by then, so the wake-up is skipped only when nobody is left to rebuild.
   */
  #leaveWindow(since: number): void {
    const cells = this.#cells;
    Atomics.sub(cells, this.#base + WINDOW_WAITERS, 1);
    if (
      Atomics.compareExchange(cells, this.#base + WINDOW_SINCE, since, 0) === since &&
      Atomics.load(cells, this.#base + WINDOW_WAITERS) !== 0
    ) {
      this.#wakeWindow();
    }
  }

  /** Records who waits since when; the holder's grant gets a stamp now if it had none. */
  #noteWaiter(ticket: number): void {
    const now = this.#clock.stamp();
    this.#table.noteWaiter(ticket, THREAD_TAG, now);
    Atomics.compareExchange(this.#cells, this.#base + OWNER_SINCE, 0, now);
  }

  /** A resolved ticket leaves no waiter entry behind (its slot's next ticket may not wait). */
  #clearWaiter(ticket: number): void {
    this.#table.write(THREAD_COLUMN, ticket, 0);
  }

  #gaveUp(counter: number): null {
    Atomics.add(this.#cells, this.#base + counter, 1);
    return null;
  }

  #acquired(ticket: number, contended: boolean): number {
    const cells = this.#cells;
    const base = this.#base;
    // The owner first: a thread killed anywhere past this store is then named as the holder,
    // and recoverDeadThread can finish the grant for it (see #heldTicket).
    Atomics.store(cells, base + OWNER, THREAD_TAG);
    // Re-arm the slot for ticket + N before publishing `serving`: the window check lets that
    // ticket be handed out as soon as serving moves past this one.
    Atomics.store(cells, this.#slot(ticket), slotValue((ticket + this.#slots) | 0, IDLE));
    if (contended) this.#clearWaiter(ticket);
    // Reading the clock costs a third of an uncontended acquire, so only a contended grant is
    // stamped at once; otherwise the first waiter to arrive stamps it (see #noteWaiter), and
    // reports then say "held for at least this long", which is what a stall report needs.
    Atomics.store(cells, base + OWNER_SINCE, contended ? this.#clock.stamp() : 0);
    Atomics.store(cells, base + SERVING, ticket);
    Atomics.add(cells, base + ACQUISITIONS, 1);
    if (contended) Atomics.add(cells, base + CONTENDED, 1);
    this.#servingMoved();
    return ticket;
  }
}
