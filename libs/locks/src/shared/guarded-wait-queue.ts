import type { LockInstrument } from '../common/lock-observer';
import { deadlineAfter } from './atomic-wait';
import { createSharedBuffer, HEADER_WORDS, type SharedClock } from './shared-clock';
import { GuardedSection } from './guarded-section';
import { adoptShared, openShared, type OpenedShared, type SharedKind } from './shared-primitive';
import { SharedTally, TALLY_WORDS } from './shared-tally';
import { TicketLock } from './ticket-lock';
import { slotCount } from './ticket-slot';
import { WaiterRing } from './waiter-ring';

/*
 * The waiting side of the shared primitives whose state changes under an internal guard
 * (SharedSemaphore, SharedRWLock, SharedEvent). Their buffers end with the same three parts,
 * right after the primitive's own state cells:
 *
 *   ┌─────────────┬────────────────────────────┬───────────────────┬──────────────────────┐
 *   │ state cells │ tally (4, shared-tally.ts) │ guard: ticket     │ waiter ring:         │
 *   │ (primitive) │                            │ lock, 16 slots    │ N slots (maxWaiters) │
 *   └─────────────┴────────────────────────────┴───────────────────┴──────────────────────┘
 *
 * A wait enters the guard, takes what it wants if the primitive's policy allows, or else
 * registers in the ring and leaves the guard; a release (applied under the guard, see
 * guarded-section.ts) grants the ring's head. Only the primitive's policy differs.
 */
const GUARD = TALLY_WORDS;
const GUARD_SLOTS = 16;
const RING = GUARD + TicketLock.words(GUARD_SLOTS);

/** What the primitive tells the queue: its pending releases, and what a grant records. */
export interface QueuePolicy {
  /** Whether releases wait to be applied. */
  hasPending(): boolean;
  /** Under the guard: applies the releases and grants from the ring's head while policy allows. */
  applyPending(): void;
  /**
   * Records a grant in the primitive's own cells (before observers hear of it), in the thread
   * granted; `queued` when it waited in the ring (another thread granted it), false when it
   * took its turn at once under the guard.
   */
  granting?: (queued: boolean) => void;
}

/** A wait whose caller could proceed at once, under the guard, without queueing. */
const TAKEN = 'taken';

export class GuardedWaitQueue {
  readonly tally: SharedTally;
  readonly ring: WaiterRing;
  readonly section: GuardedSection;
  readonly #name: string;
  readonly #granting: ((queued: boolean) => void) | undefined;

  /**
   * The constructor's first step (see openShared) for a primitive with `stateWords` of its own
   * before this queue: a new buffer gets the queue laid out, then `initialize` sets the state.
   */
  static open<K extends SharedKind>(
    kind: K,
    options: unknown,
    stateWords: number,
    initialize?: (cells: Int32Array, options: Record<string, unknown>) => void,
  ): OpenedShared<K> {
    return openShared(kind, options, (record) => {
      const slots = slotCount(record['maxWaiters']);
      const base = HEADER_WORDS + stateWords;
      const buffer = createSharedBuffer(stateWords + RING + WaiterRing.words(slots));
      const cells = new Int32Array(buffer);
      initialize?.(cells, record);
      TicketLock.initialize(cells, base + GUARD, GUARD_SLOTS);
      WaiterRing.initialize(cells, base + RING, slots);
      return buffer;
    });
  }

  /** `from(handle)` of such a primitive (see adoptShared): `build` runs its constructor. */
  static adopt<K extends SharedKind, T>(
    kind: K,
    handle: unknown,
    stateWords: number,
    build: () => T,
  ): T {
    return adoptShared(
      kind,
      handle,
      (cells) =>
        stateWords +
        RING +
        WaiterRing.words(WaiterRing.slotCountOf(cells, HEADER_WORDS + stateWords + RING)),
      build,
    );
  }

  constructor(
    cells: Int32Array,
    stateWords: number,
    clock: SharedClock,
    instrument: LockInstrument,
    policy: QueuePolicy,
  ) {
    const base = HEADER_WORDS + stateWords;
    this.#name = instrument.name;
    this.tally = new SharedTally(cells, base, instrument);
    this.ring = new WaiterRing(cells, base + RING, clock);
    this.section = new GuardedSection(
      new TicketLock(cells, base + GUARD, clock),
      () => policy.hasPending(),
      () => policy.applyPending(),
    );
    this.#granting = policy.granting;
  }

  /**
   * Waits (without blocking) for a turn: under the guard `take()` says whether the caller may
   * proceed now; otherwise it queues in `mode` (a zero timeout refuses instead) until granted.
   * Counts the grant and returns the token's `acquiredAt`; throws the tally's timeout or the
   * signal's reason when the wait gives up.
   *
   * A wait that gives up abandons its ticket with one CAS on its own slot, which no release
   * sees: if it was what held back the waiters behind it (a writer queued ahead of readers that
   * could join the readers inside), nothing would grant them until the next release. So it
   * passes through the guard once more on its way out; entering and leaving apply the policy,
   * which now skips the abandoned ticket.
   */
  async waitTurn(
    mode: number,
    take: () => boolean,
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<number | undefined> {
    const started = this.tally.start();
    const deadline = deadlineAfter(timeout);
    const ticket = this.#enqueue(await this.section.enter(), mode, take, timeout, started);
    if (ticket !== TAKEN) {
      const outcome = await this.ring.waitAsync(ticket, deadline, signal);
      if (outcome !== 'granted') this.section.leave(await this.section.enter());
      this.tally.settle(outcome, timeout, started, signal);
    }
    return this.#granted(started, ticket !== TAKEN);
  }

  /**
   * The blocking form of {@link waitTurn} (worker threads). `refuse`, asked under the guard when
   * the caller cannot proceed, may return an error to throw instead of queueing (a self-deadlock).
   */
  waitTurnSync(
    mode: number,
    take: () => boolean,
    timeout: number,
    refuse?: () => Error | undefined,
  ): number | undefined {
    const started = this.tally.start();
    const deadline = deadlineAfter(timeout);
    const ticket = this.#enqueue(this.section.enterSync(), mode, take, timeout, started, refuse);
    if (ticket !== TAKEN) {
      const outcome = this.ring.waitSync(ticket, deadline);
      if (outcome !== 'granted') this.section.leave(this.section.enterSync());
      this.tally.settle(outcome, timeout, started, undefined);
    }
    return this.#granted(started, ticket !== TAKEN);
  }

  /** Counts a grant (the primitive's record first); the token's `acquiredAt`. */
  #granted(started: number, contended: boolean): number | undefined {
    this.#granting?.(contended);
    return this.tally.granted(started, contended);
  }

  /** Inside the guard: takes, refuses or registers; throws only once the guard is left. */
  #enqueue(
    inside: number,
    mode: number,
    take: () => boolean,
    timeout: number,
    started: number,
    refuse?: () => Error | undefined,
  ): number | typeof TAKEN {
    const taken = take();
    const refusal = taken ? undefined : refuse?.();
    const ticket =
      taken || refusal !== undefined || timeout === 0 ? null : this.ring.register(mode);
    this.section.leave(inside);
    if (taken) return TAKEN;
    if (refusal !== undefined) throw refusal;
    if (timeout === 0) throw this.tally.timedOut(0, started);
    if (ticket === null) throw this.ring.full(this.#name);
    return ticket;
  }
}
