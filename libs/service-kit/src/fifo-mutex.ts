/**
 * A minimal FIFO mutex for one event loop. It exists so the async counter's `safe=true` path can
 * hold a lock across an `await`; the locks lib (Mutex, RLock, ... with deadlock detection)
 * supersedes it.
 *
 * Waiters form a FIFO queue of resolvers; `release` hands the lock straight to the oldest waiter
 * without ever marking it free, so no newcomer can barge in between (no starvation).
 */
export class FifoMutex {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  get locked(): boolean {
    return this.#locked;
  }

  acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }

  release(): void {
    if (!this.#locked) throw new Error('FifoMutex.release() called while unlocked');
    const next = this.#waiters.shift();
    if (next) next();
    else this.#locked = false;
  }
}
