import { parseLockOptions, type LockOptions } from '../common/lock-options';
import type { LockKind } from '../common/lock-stats';
import type { UnlockToken } from '../common/unlock-token';
import { validate } from '../common/validate';
import type { LockOwner, OwnedAcquireOptions } from './lock-owner';
import { SingleModeLock } from './single-mode-lock';

const PERMIT = 0;
const MAX_PERMITS = 2 ** 31 - 1;

export interface SemaphoreOptions extends LockOptions {
  /**
   * Permits available at the start.
   * @default 1
   */
  readonly permits?: number;
}

/**
 * Python's `threading.Semaphore`: `permits` holders at a time. Grants are FIFO: a permit freed
 * while someone waits goes to the oldest waiter, so a stream of newcomers cannot starve it.
 * `release(n)` adds permits without an acquire (signalling use); tokens give back theirs.
 */
export class Semaphore extends SingleModeLock {
  /** The kind a subclass reports (read through `new.target`, since `this` does not exist yet). */
  protected static readonly kindName: LockKind = 'Semaphore';
  #value: number;
  #held = 0;

  constructor(options?: SemaphoreOptions) {
    const kind = new.target.kindName;
    const { name, observer, record } = parseLockOptions(options, kind);
    super(name, kind, observer, false);
    this.#value = permitsOption(record['permits']);
  }

  /** Permits free right now. */
  get value(): number {
    return this.#value;
  }

  override acquire(options?: OwnedAcquireOptions): Promise<UnlockToken> {
    // The uncontended case, short: permits are not owned, so no owner lookup, no graph.
    if (options === undefined && this.#value > 0 && this.queue.size === 0) {
      this.take();
      return this.grantResolved(undefined, PERMIT);
    }
    // Not super.acquire(): its call site would then see two lock classes (Mutex's uncontended
    // acquire measured a few % slower in a process that also uses semaphores).
    return this.acquireMode(PERMIT, options);
  }

  /** Adds `count` permits (waking as many waiters, oldest first). */
  release(count = 1): void {
    validate.integer(count, 'count', 1, MAX_PERMITS);
    this.addPermits(count);
    this.drain();
  }

  /** Checks and adds permits; BoundedSemaphore refuses to go past its bound. */
  protected addPermits(count: number): void {
    this.#value += count;
  }

  protected tryTake(): boolean {
    if (this.#value === 0 || this.queue.size !== 0) return false;
    this.take();
    return true;
  }

  protected canGrant(): boolean {
    return this.#value > 0;
  }

  protected take(): void {
    this.#value--;
    this.#held++;
  }

  protected untake(): void {
    // The hold ends first: BoundedSemaphore's addPermits may refuse the permit (an unmatched
    // release() filled it while this token held one), and the token already reads as unlocked,
    // so a holder still counted then could never be released again.
    this.#held--;
    this.addPermits(1);
  }

  protected holderCount(): number {
    return this.#held;
  }

  protected *holderOwners(): Iterable<LockOwner | undefined> {
    // Permits are not owned (anyone may release), so holders are counted, not named.
  }

  protected override holderInfos(): { id: string }[] {
    return Array.from({ length: this.#held }, () => ({ id: 'permit' }));
  }
}

export function permitsOption(value: unknown, fallback = 1): number {
  return value === undefined ? fallback : validate.integer(value, 'permits', 0, MAX_PERMITS);
}
