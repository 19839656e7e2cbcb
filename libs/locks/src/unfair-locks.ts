/**
 * @concurrency-lab/locks/unfair-locks: deliberately unfair locks, the negative controls of
 * fairness. Each keeps mutual exclusion but breaks FIFO the way many real locks do for
 * throughput, so a fairness test can show it would catch the difference and a demo can show
 * what starvation looks like. One copy for the workspace: this library's fairness tests and the
 * starvation demo use the same ones. Never for real use.
 */
export interface SimpleLock {
  acquire(): Promise<{ unlock(): boolean }>;
}

/** Hands the lock to the *newest* waiter. */
export class LifoLock implements SimpleLock {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  acquire(): Promise<{ unlock(): boolean }> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve(this.#token());
    }
    return new Promise((resolve) => this.#waiters.push(() => resolve(this.#token())));
  }

  #token(): { unlock(): boolean } {
    let held = true;
    return {
      unlock: () => {
        if (!held) return false;
        held = false;
        const next = this.#waiters.pop();
        if (next) next();
        else this.#locked = false;
        return true;
      },
    };
  }
}

/**
 * Marks itself free on release and only *wakes* the next waiter, which must then compete:
 * whoever asks in between (typically the releaser, asking again in the same turn) barges in.
 * Many lock implementations behave like this for throughput; this library's hand off in FIFO
 * order.
 */
export class BargingLock implements SimpleLock {
  #locked = false;
  readonly #waiters: Array<() => void> = [];

  async acquire(): Promise<{ unlock(): boolean }> {
    while (this.#locked) await new Promise<void>((resolve) => this.#waiters.push(resolve));
    this.#locked = true;
    let held = true;
    return {
      unlock: () => {
        if (!held) return false;
        held = false;
        this.#locked = false;
        this.#waiters.shift()?.();
        return true;
      },
    };
  }
}

/** The textbook readers-preferring RW lock: readers enter whenever no writer is inside. */
export class ReaderPreferringRWLock {
  #readers = 0;
  #writer = false;
  readonly #wakeups: Array<() => void> = [];

  async read(): Promise<{ unlock(): void }> {
    while (this.#writer) await this.#sleep();
    this.#readers++;
    return { unlock: () => (this.#readers--, this.#wakeAll()) };
  }

  async write(): Promise<{ unlock(): void }> {
    while (this.#writer || this.#readers > 0) await this.#sleep();
    this.#writer = true;
    return { unlock: () => ((this.#writer = false), this.#wakeAll()) };
  }

  #sleep(): Promise<void> {
    return new Promise((resolve) => this.#wakeups.push(resolve));
  }

  #wakeAll(): void {
    for (const wake of this.#wakeups.splice(0)) wake();
  }
}
