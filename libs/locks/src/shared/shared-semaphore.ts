import type { LockInspection, LockStats } from '../common/lock-stats';
import { kReleaseToken, LockToken, type UnlockToken } from '../common/unlock-token';
import { validate } from '../common/validate';
import { InvalidArgumentError, OverReleaseError, type LockTimeoutError } from '../errors';
import { GuardedWaitQueue } from './guarded-wait-queue';
import { HEADER_WORDS } from './shared-clock';
import type { SharedHandle } from './shared-handle';
import { SharedLock } from './shared-lock';
import type { SharedLockOptions } from './shared-mutex';
import type { AdoptOptions } from './shared-primitive';

/*
 * SharedSemaphore buffer (Int32 cells after the 8-byte epoch header):
 *
 *   ┌───────┬──────┬─────────┬───────┬──────┬────────────────────────────────────────────────┐
 *   │ value │ held │ pending │ bound │ free │ tally, guard, waiter ring (guarded-wait-queue) │
 *   └───────┴──────┴─────────┴───────┴──────┴────────────────────────────────────────────────┘
 *
 * - value: free permits. Taken lock-free (CAS) while positive; it is only ever raised when no
 *   live waiter is queued (pending permits go to waiters first), so value > 0 implies an empty
 *   queue and the lock-free take never overtakes a waiter: FIFO holds.
 * - pending: released permits not yet handed out (see guarded-section.ts).
 * - bound: 0, or the most permits it may hold (bounded semaphore).
 * - free: value + pending as a release's check sees it, in one cell. The two cells cannot be read
 *   as one sum: applying pending permits empties `pending` before raising `value`, and a check
 *   between the two would let a release past the bound. So a release raises `free` with a CAS
 *   against its cap *before* recording its permits, and the thread taking a permit lowers it only
 *   *after* the permit is gone: a take right after its CAS, a queued waiter once it sees its grant
 *   (not the granter: the waiter could run and release before the granter moved on, and `free`
 *   would count its permit twice). `free` is therefore never below the real value + pending (the
 *   cap holds), and above it only by permits on their way out, each held by the thread taking it,
 *   which cannot release it yet, so a release that matches a held permit is never refused. The
 *   cap is the bound, or for an unbounded semaphore 2^31 - 1: past it `value` (an Int32 cell)
 *   would wrap negative and the semaphore would grant nothing, silently, so that release is
 *   refused instead.
 */
const VALUE = HEADER_WORDS;
const HELD = VALUE + 1;
const PENDING = VALUE + 2;
const BOUND = VALUE + 3;
const FREE = VALUE + 4;
const STATE_WORDS = 5;
const MAX_PERMITS = 2 ** 31 - 1;

export type SharedSemaphoreHandle = SharedHandle<'SharedSemaphore'>;

export interface SharedSemaphoreOptions extends SharedLockOptions {
  /** @default 1 */
  readonly permits?: number;
  /**
   * Refuse (`ERR_LOCK_OVER_RELEASE`) to hold more permits than `permits`, like Python's
   * BoundedSemaphore.
   * @default false
   */
  readonly bounded?: boolean;
}

/** Sets up the state cells of a new semaphore from its options. */
function initialize(cells: Int32Array, options: Record<string, unknown>): void {
  const permits =
    options['permits'] === undefined
      ? 1
      : validate.integer(options['permits'], 'permits', 0, MAX_PERMITS);
  const bounded = options['bounded'];
  if (bounded !== undefined && typeof bounded !== 'boolean') {
    validate.fail('bounded', 'a boolean', bounded);
  }
  if (bounded === true && permits === 0) {
    throw new InvalidArgumentError(
      'Expected `permits` of a bounded semaphore to be from 1, got `0`',
    );
  }
  cells[VALUE] = permits;
  cells[BOUND] = bounded === true ? permits : 0;
  cells[FREE] = permits;
}

/**
 * A counting semaphore across worker threads (Python's `threading.Semaphore`, or with
 * `bounded: true` its `BoundedSemaphore`). FIFO: a released permit goes to the oldest waiting
 * thread. Permits are not owned: any thread may `release()`; tokens give back what they took.
 */
export class SharedSemaphore extends SharedLock<'SharedSemaphore'> {
  readonly #queue: GuardedWaitQueue;
  readonly #takeFree = (): boolean => this.#tryTakeFree();
  /** The bound, fixed at creation (0: unbounded). */
  readonly #bound: number;
  /** The most permits `free` may count: the bound, or all an Int32 cell holds (see the layout). */
  readonly #cap: number;

  constructor(options?: SharedSemaphoreOptions) {
    super(GuardedWaitQueue.open('SharedSemaphore', options, STATE_WORDS, initialize));
    this.#bound = Atomics.load(this.cells, BOUND);
    this.#cap = this.#bound === 0 ? MAX_PERMITS : this.#bound;
    this.#queue = new GuardedWaitQueue(this.cells, STATE_WORDS, this.clock, this.instrument, {
      hasPending: () => Atomics.load(this.cells, PENDING) !== 0,
      applyPending: () => this.#applyPending(),
      granting: (queued) => {
        Atomics.add(this.cells, HELD, 1);
        if (queued) Atomics.sub(this.cells, FREE, 1); // granted from the ring: see `free`
      },
    });
  }

  static from(handle: SharedSemaphoreHandle, options?: AdoptOptions): SharedSemaphore {
    const build = (): SharedSemaphore => new SharedSemaphore(options);
    return GuardedWaitQueue.adopt('SharedSemaphore', handle, STATE_WORDS, build);
  }

  /** Free permits right now. */
  get value(): number {
    return Atomics.load(this.cells, VALUE);
  }

  /** The most permits it may hold, or undefined when unbounded. */
  get bound(): number | undefined {
    const bound = Atomics.load(this.cells, BOUND);
    return bound === 0 ? undefined : bound;
  }

  tryAcquire(): UnlockToken | null {
    if (!this.#tryTakeFree()) return null;
    Atomics.add(this.cells, HELD, 1);
    return this.#token(this.#queue.tally.granted(NaN, false));
  }

  /**
   * Adds `count` permits, oldest waiters first. Never waits, on any thread. Refused, changing
   * nothing, past the bound (`ERR_LOCK_OVER_RELEASE`) or, unbounded, past 2^31 - 1 free permits
   * (`ERR_LOCK_INVALID_ARGUMENT`).
   */
  release(count = 1): void {
    validate.integer(count, 'count', 1, MAX_PERMITS);
    this.#addPending(count, true);
    this.#queue.section.settle();
  }

  [kReleaseToken](token: LockToken): void {
    // The hold ends first, whatever the bound says: the token already reads as unlocked, and a
    // refused release (an unmatched release() filled the semaphore while this token held its
    // permit) must not leave a holder counted that nobody can release any more. The permit
    // itself is not added back: the semaphore already holds all it may.
    Atomics.sub(this.cells, HELD, 1);
    this.#addPending(1, false);
    this.#queue.tally.released(token.acquiredAt);
    this.#queue.section.settle();
  }

  get stats(): LockStats {
    return this.snapshot(this.#holders(), this.#queue.tally.counts(), this.#queue.ring.waiters());
  }

  inspect(): LockInspection {
    const holders = Array.from({ length: this.#holders() }, () => ({ id: 'permit' }));
    return this.inspection(holders, this.#queue.ring.waiters());
  }

  protected abortedAtOnce(): void {
    this.#queue.tally.aborted(NaN);
  }

  protected timedOutAtOnce(): LockTimeoutError {
    return this.#queue.tally.timedOut(0, NaN);
  }

  protected async acquireAsync(
    timeout: number,
    signal: AbortSignal | undefined,
  ): Promise<UnlockToken> {
    return this.#token(await this.#queue.waitTurn(0, this.#takeFree, timeout, signal));
  }

  protected acquireBlocking(timeout: number): UnlockToken {
    const token = this.tryAcquire();
    if (token !== null) return token;
    if (timeout === 0) throw this.timedOutAtOnce();
    return this.#token(this.#queue.waitTurnSync(0, this.#takeFree, timeout));
  }

  #holders(): number {
    return Math.max(0, Atomics.load(this.cells, HELD));
  }

  /** Lock-free take of a free permit; see the layout comment for why it keeps FIFO. */
  #tryTakeFree(): boolean {
    const cells = this.cells;
    for (let value = Atomics.load(cells, VALUE); value > 0; value = Atomics.load(cells, VALUE)) {
      if (Atomics.compareExchange(cells, VALUE, value, value - 1) === value) {
        Atomics.sub(cells, FREE, 1); // after the take: see `free`
        return true;
      }
    }
    return false;
  }

  /**
   * Records released permits. They are first checked against the cap and counted in `free` with
   * one CAS (see the layout), so a refused release changes nothing, not even for a moment (which
   * could make a concurrent, legitimate release look like an over-release).
   */
  #addPending(count: number, byCount: boolean): void {
    const cells = this.cells;
    const cap = this.#cap;
    for (let free = Atomics.load(cells, FREE); ;) {
      if (free + count > cap) throw this.#refusal(count, free, byCount);
      const seen = Atomics.compareExchange(cells, FREE, free, free + count);
      if (seen === free) break;
      free = seen;
    }
    Atomics.add(cells, PENDING, count);
  }

  /**
   * Why a release past the cap is refused: an over-release when bounded; unbounded, the count
   * is out of its domain (what the Int32 cell can still take), like a `permits` above 2^31 - 1.
   * A token's permit refused there is dropped, as a bounded semaphore's is: its hold has ended.
   */
  #refusal(count: number, free: number, byCount: boolean): Error {
    if (this.#bound !== 0) return new OverReleaseError(this.name, this.#bound);
    const full = `${this.name} has ${free} of the 2^31 - 1 free permits it can count`;
    if (byCount) return validate.error('count', `at most ${MAX_PERMITS - free} (${full})`, count);
    return new InvalidArgumentError(`${full}: the token's permit is not added back`);
  }

  /** Under the guard: released permits go to waiters, oldest first; the rest become free. */
  #applyPending(): void {
    let permits = Atomics.exchange(this.cells, PENDING, 0);
    // Each waiter granted here takes its permit out of `free` itself (see `granting`).
    while (permits > 0 && this.#queue.ring.grantNext()) permits--;
    if (permits > 0) Atomics.add(this.cells, VALUE, permits);
  }

  #token(acquiredAt: number | undefined): LockToken {
    return new LockToken(this, undefined, 0, acquiredAt);
  }
}
