import { parseLockOptions, type LockOptions } from '../common/lock-options';
import type { LockOwner } from './lock-owner';
import { SingleModeLock } from './single-mode-lock';

/**
 * Python's `threading.Lock` / `asyncio.Lock` for one event loop: mutual exclusion across
 * `await`s, FIFO (the next waiter is handed the lock; a newcomer never overtakes it), with
 * timeouts, AbortSignal, try-acquire, `using` / `withLock`, stats and deadlock detection.
 *
 * @example
 * const mutex = new Mutex({ name: 'counter' });
 * {
 *   using _ = await mutex.acquire();
 *   const seen = value; await save(seen + 1); value = seen + 1;
 * }
 */
export class Mutex extends SingleModeLock {
  #held = false;
  #holder: LockOwner | undefined = undefined;

  constructor(options?: LockOptions) {
    const { name, observer } = parseLockOptions(options, 'Mutex');
    super(name, 'Mutex', observer, true);
  }

  /** Whether someone holds it. */
  get locked(): boolean {
    return this.#held;
  }

  protected tryTake(owner: LockOwner | undefined): boolean {
    // Free implies an empty queue (releases hand over directly), but say it: FIFO is the rule.
    if (this.#held || this.queue.size !== 0) return false;
    this.take(owner);
    return true;
  }

  protected canGrant(): boolean {
    return !this.#held;
  }

  protected take(owner: LockOwner | undefined): void {
    this.#held = true;
    this.#holder = owner;
  }

  protected untake(): void {
    this.#held = false;
    this.#holder = undefined;
  }

  protected holderCount(): number {
    return this.#held ? 1 : 0;
  }

  protected *holderOwners(): Iterable<LockOwner | undefined> {
    if (this.#held) yield this.#holder;
  }
}
