import type { ItemBuffer } from './item-buffer';

interface Ranked<E> {
  readonly entry: E;
  /** Arrival number: breaks ties so equal priorities leave in the order they came. */
  readonly seq: number;
}

/**
 * Lowest first (Python's `PriorityQueue` is a `heapq`): a binary min-heap. A heap alone is not
 * stable, so each entry carries its arrival number and ties compare by it — the
 * `(priority, count, item)` recipe from the `heapq` docs.
 */
export class PriorityBuffer<E> implements ItemBuffer<E> {
  readonly #heap: Ranked<E>[] = [];
  readonly #compare: (a: E, b: E) => number;
  #arrivals = 0;

  constructor(compare: (a: E, b: E) => number) {
    this.#compare = compare;
  }

  get size(): number {
    return this.#heap.length;
  }

  /*
   * push and take compare first and move entries after, so a `compare` that throws leaves the
   * heap exactly as it was: the error reaches the call that triggered it, and no entry is lost
   * or left out of heap order. Both follow the "hole" form of the sifts: the path is found by
   * comparisons alone, then the entries along it shift by one.
   */

  push(entry: E): void {
    const heap = this.#heap;
    const ranked = { entry, seq: this.#arrivals };
    let i = heap.length;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(ranked, heap[parent] as Ranked<E>)) break;
      i = parent;
    }
    // No comparison from here on.
    this.#arrivals++;
    for (let hole = heap.length; hole > i;) {
      const parent = (hole - 1) >> 1;
      heap[hole] = heap[parent] as Ranked<E>;
      hole = parent;
    }
    heap[i] = ranked;
  }

  take(): E {
    const heap = this.#heap;
    const top = heap[0] as Ranked<E>;
    const last = heap[heap.length - 1] as Ranked<E>;
    const size = heap.length - 1; // `last` sinks from the root through the first `size` slots
    const path: number[] = [];
    for (let i = 0; ;) {
      const left = 2 * i + 1;
      const right = left + 1;
      if (left >= size) break;
      const least =
        right < size && this.#before(heap[right] as Ranked<E>, heap[left] as Ranked<E>)
          ? right
          : left;
      if (!this.#before(heap[least] as Ranked<E>, last)) break;
      path.push(least);
      i = least;
    }
    // No comparison from here on.
    heap.pop();
    if (size > 0) {
      let hole = 0;
      for (const child of path) {
        heap[hole] = heap[child] as Ranked<E>;
        hole = child;
      }
      heap[hole] = last;
    }
    return top.entry;
  }

  takeAll(): E[] {
    return this.#heap.splice(0).map((ranked) => ranked.entry);
  }

  #before(a: Ranked<E>, b: Ranked<E>): boolean {
    const order = this.#compare(a.entry, b.entry);
    return order < 0 || (order === 0 && a.seq < b.seq);
  }
}
