import type { WaitOptions } from '@concurrency-lab/locks';
import { AsyncQueue, type QueueOptions } from './async-queue';
import type { ItemBuffer, QueueEntry } from './item-buffer';
import { PriorityBuffer } from './priority-buffer';
import { validate } from './validate';

export interface PriorityQueueOptions<T> extends QueueOptions {
  /**
   * Orders items, lowest first (negative: `a` before `b`). Equal items leave in arrival order.
   * Needed for anything but numbers, strings and bigints, which default to `<`.
   * @example { maxSize: 100, compare: (a, b) => a.priority - b.priority }
   */
  compare?: (a: T, b: T) => number;
}

function naturalOrder(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

/**
 * Python's `PriorityQueue`: the lowest item is taken first, and — unlike a bare heap — equal
 * items keep their arrival order (stable). Everything else is `AsyncQueue`'s.
 */
export class PriorityQueue<T> extends AsyncQueue<T> {
  readonly #natural: boolean;
  /** Without `compare`: the kind of the queued items, once one was put. */
  #kind = '';

  constructor(options: PriorityQueueOptions<T>) {
    super(options);
    this.#natural = options.compare === undefined;
  }

  protected override createBuffer(options: PriorityQueueOptions<T>): ItemBuffer<QueueEntry<T>> {
    validate.optionalFunction(options.compare, 'compare');
    const compare = options.compare ?? naturalOrder;
    return new PriorityBuffer<QueueEntry<T>>((a, b) => compare(a.value, b.value));
  }

  override put(item: T, options?: WaitOptions): Promise<void> {
    try {
      this.#expectComparable(item);
    } catch (error) {
      return Promise.reject(error);
    }
    return super.put(item, options);
  }

  override tryPut(item: T): void {
    this.#expectComparable(item);
    super.tryPut(item);
  }

  /**
   * Without `compare`, `<` must mean something: refuse an object before it reaches the heap,
   * and an item of another kind than those queued — `<` between a number and a string
   * converts one of them (or answers false both ways), so 3, 'a', 1, 2 came out as 1, 3, 'a', 2
   * (Python raises TypeError). Numbers and bigints compare exactly, so they are one kind.
   */
  #expectComparable(item: T): void {
    if (!this.#natural) return;
    const kind = typeof item;
    if (!((kind === 'number' && !Number.isNaN(item)) || kind === 'string' || kind === 'bigint'))
      validate.fail('item', 'a number, string or bigint (or give a `compare` option)', item);
    const ordered = kind === 'string' ? 'string' : 'number or bigint';
    // While items are queued, every one of them passed this check against #kind (a waiting
    // producer's item too: producers wait only while the queue is full, never empty).
    if (this.size > 0 && ordered !== this.#kind)
      validate.fail('item', `a ${this.#kind} like the items already queued`, item);
    this.#kind = ordered;
  }
}
