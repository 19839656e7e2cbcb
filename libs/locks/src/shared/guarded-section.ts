import type { TicketLock } from './ticket-lock';

/**
 * The critical section of a shared primitive whose state changes under an internal guard (a
 * ticket lock held for a few dozen instructions), with one twist: *releases never wait for
 * the guard*. A release only records itself in a "pending" cell and then applies the pending
 * work if the guard is free; if it is not, whoever holds or next gets the guard applies it on
 * the way out, because every exit re-checks the pending cells after unlocking. So `release()`
 * stays non-blocking on the main thread, and no release is ever lost.
 */
export class GuardedSection {
  readonly #guard: TicketLock;
  readonly #hasPending: () => boolean;
  readonly #applyPending: () => void;

  constructor(guard: TicketLock, hasPending: () => boolean, applyPending: () => void) {
    this.#guard = guard;
    this.#hasPending = hasPending;
    this.#applyPending = applyPending;
  }

  /** Blocks (workers only) until inside; returns the guard ticket for {@link leave}. */
  enterSync(): number {
    const ticket = this.#guard.lockSync(Infinity) as number;
    this.#applyPending();
    return ticket;
  }

  async enter(): Promise<number> {
    const ticket = (await this.#guard.lockAsync(Infinity, undefined)) as number;
    this.#applyPending();
    return ticket;
  }

  /** Inside now without waiting, or null. */
  tryEnter(): number | null {
    const ticket = this.#guard.tryLock();
    if (ticket !== null) this.#applyPending();
    return ticket;
  }

  leave(ticket: number): void {
    let held: number | null = ticket;
    while (held !== null) {
      this.#applyPending();
      this.#guard.unlock(held);
      // A release that found the guard taken after our last apply is ours to apply now.
      held = this.#hasPending() ? this.#guard.tryLock() : null;
    }
  }

  /** Applies pending releases now if the guard is free; otherwise its holder will. */
  settle(): void {
    if (!this.#hasPending()) return;
    const ticket = this.#guard.tryLock();
    if (ticket !== null) this.leave(ticket);
  }
}
