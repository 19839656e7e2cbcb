/**
 * The negative control for the interleaving property: a queue with the classic bug. A consumer
 * that finds the queue empty sleeps; `put` wakes it — but the wakeup runs later (as
 * asyncio's `call_soon` does), and the woken consumer takes "its" item without re-checking.
 * Another consumer may have taken it meanwhile: the sleeper gets `undefined`, an item is lost
 * to it, and the counts stop adding up. `defer` lets the fast-check scheduler pick when the
 * wakeup lands, which is exactly the freedom a real event loop has.
 */
export class RacyQueue<T> {
  readonly #items: T[] = [];
  readonly #sleepers: (() => void)[] = [];
  readonly #defer: (wake: () => void) => void;
  #closed = false;

  constructor(defer: (wake: () => void) => void) {
    this.#defer = defer;
  }

  async put(item: T): Promise<void> {
    if (this.#closed) throw Object.assign(new Error('closed'), { code: 'ERR_QUEUE_SHUTDOWN' });
    this.#items.push(item);
    const wake = this.#sleepers.shift();
    if (wake !== undefined) this.#defer(wake);
  }

  async get(): Promise<T> {
    if (this.#items.length === 0) {
      if (this.#closed) throw Object.assign(new Error('closed'), { code: 'ERR_QUEUE_SHUTDOWN' });
      await new Promise<void>((resolve) => this.#sleepers.push(resolve));
    }
    return this.#items.shift() as T; // the bug: no second look after waking
  }

  taskDone(): void {
    // no join in this queue: the property under test is conservation only
  }

  shutdown(): void {
    this.#closed = true;
    for (const wake of this.#sleepers.splice(0)) this.#defer(wake);
  }

  get discarded(): number {
    return 0;
  }
}
