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

  push(entry: E): void {
    const heap = this.#heap;
    heap.push({ entry, seq: this.#arrivals++ });
    let i = heap.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(heap[i] as Ranked<E>, heap[parent] as Ranked<E>)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  take(): E {
    const heap = this.#heap;
    const top = heap[0] as Ranked<E>;
    const last = heap.pop() as Ranked<E>;
    if (heap.length > 0) {
      heap[0] = last;
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        const right = left + 1;
        let least = i;
        if (left < heap.length && this.#before(heap[left] as Ranked<E>, heap[least] as Ranked<E>))
          least = left;
        if (right < heap.length && this.#before(heap[right] as Ranked<E>, heap[least] as Ranked<E>))
          least = right;
        if (least === i) break;
        this.#swap(i, least);
        i = least;
      }
    }
    return top.entry;
  }

  #before(a: Ranked<E>, b: Ranked<E>): boolean {
    const order = this.#compare(a.entry, b.entry);
    return order < 0 || (order === 0 && a.seq < b.seq);
  }

  #swap(i: number, j: number): void {
    const heap = this.#heap;
    const t = heap[i] as Ranked<E>;
    heap[i] = heap[j] as Ranked<E>;
    heap[j] = t;
  }
}
