export interface ListNode<T> {
  readonly value: T;
  prev: ListNode<T> | null;
  next: ListNode<T> | null;
  /** The list the node is in; null once removed, so a second removal is a no-op. */
  list: LinkedList<T> | null;
}

/**
 * A doubly linked list whose `push` hands back the node, so a waiter that times out or aborts
 * leaves the middle of the line in O(1) instead of a scan (or a tombstone that would count
 * against a bound).
 */
export class LinkedList<T> {
  #head: ListNode<T> | null = null;
  #tail: ListNode<T> | null = null;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(value: T): ListNode<T> {
    const node: ListNode<T> = { value, prev: this.#tail, next: null, list: this };
    if (this.#tail === null) this.#head = node;
    else this.#tail.next = node;
    this.#tail = node;
    this.#size++;
    return node;
  }

  /** The oldest value, or undefined when empty. */
  peek(): T | undefined {
    return this.#head?.value;
  }

  shift(): T | undefined {
    const node = this.#head;
    if (node === null) return undefined;
    this.remove(node);
    return node.value;
  }

  /** Unlinks `node`; false if it was not (or no longer) in this list. */
  remove(node: ListNode<T>): boolean {
    if (node.list !== this) return false;
    if (node.prev === null) this.#head = node.next;
    else node.prev.next = node.next;
    if (node.next === null) this.#tail = node.prev;
    else node.next.prev = node.prev;
    node.prev = node.next = null;
    node.list = null;
    this.#size--;
    return true;
  }

  /** Oldest first; do not remove while iterating (copy with `[...list]` first). */
  *[Symbol.iterator](): IterableIterator<T> {
    for (let node = this.#head; node !== null; node = node.next) yield node.value;
  }

  /** Removes the values that match, oldest first, and returns them. */
  extract(matches: (value: T) => boolean): T[] {
    const found: T[] = [];
    for (let node = this.#head; node !== null;) {
      const next = node.next;
      if (matches(node.value)) {
        this.remove(node);
        found.push(node.value);
      }
      node = next;
    }
    return found;
  }

  /** Removes every value, oldest first. */
  drain(): T[] {
    const values: T[] = [];
    while (this.#head !== null) values.push(this.shift() as T);
    return values;
  }
}
