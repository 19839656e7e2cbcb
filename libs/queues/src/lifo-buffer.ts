import type { ItemBuffer } from './item-buffer';

/** Last in, first out: a stack (Python's `LifoQueue` keeps a list the same way). */
export class LifoBuffer<E> implements ItemBuffer<E> {
  readonly #stack: E[] = [];

  get size(): number {
    return this.#stack.length;
  }

  push(entry: E): void {
    this.#stack.push(entry);
  }

  take(): E {
    return this.#stack.pop() as E;
  }

  takeAll(): E[] {
    return this.#stack.splice(0);
  }
}
