import { validate } from '../common/validate';
import type { AcquireOptions } from '../common/acquire-options';
import { parseLockOptions, type LockOptions } from '../common/lock-options';
import type { Inspectable, LockInspection, LockStats } from '../common/lock-stats';
import { WaitList } from './wait-list';

/**
 * Python's `threading.Event` / `asyncio.Event`: a flag that waiters wait to see set. `set()`
 * wakes every waiter (oldest first) and lets later waits through until `clear()`.
 */
export class Event implements Inspectable {
  readonly #waiters: WaitList;
  #flag = false;

  constructor(options?: LockOptions) {
    const { name, observer } = parseLockOptions(options, 'Event');
    this.#waiters = new WaitList(name, 'Event', observer);
  }

  get name(): string {
    return this.#waiters.name;
  }

  isSet(): boolean {
    return this.#flag;
  }

  set(): void {
    this.#flag = true;
    while (this.#waiters.wakeOne()) {
      // every waiter of this moment is woken; later ones pass at once while the flag stays set
    }
  }

  clear(): void {
    this.#flag = false;
  }

  /** Resolves once the flag is set (at once if it is). */
  wait(options?: AcquireOptions): Promise<void> {
    try {
      const { timeout, signal } = validate.waitOptions(options);
      if (this.#flag && !signal?.aborted) {
        this.#waiters.passedAtOnce();
        return Promise.resolve();
      }
      const refusal = this.#waiters.refuse(timeout, signal);
      if (refusal !== undefined) throw refusal;
      return this.#waiters.add<void>(timeout, signal).promise;
    } catch (error) {
      return Promise.reject(error);
    }
  }

  get stats(): LockStats {
    return this.#waiters.stats;
  }

  inspect(): LockInspection {
    return this.#waiters.inspect();
  }
}
