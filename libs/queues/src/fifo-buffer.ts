import type { ItemBuffer } from './item-buffer';

/**
 * First in, first out: a circular array that doubles when full. `Array.prototype.shift` is
 * O(n) once an array is large; this is O(1) and reuses its slots.
 *
 *   slots: [ . . C D E . . . ]    head → C, size 3; take() returns C, push() writes after E
 */
export class FifoBuffer<E> implements ItemBuffer<E> {
  #slots: (E | undefined)[] = new Array<E | undefined>(16);
  #head = 0;
  #size = 0;

  get size(): number {
    return this.#size;
  }

  push(entry: E): void {
    if (this.#size === this.#slots.length) this.#grow();
    this.#slots[(this.#head + this.#size) & (this.#slots.length - 1)] = entry;
    this.#size++;
  }

  take(): E {
    const entry = this.#slots[this.#head] as E;
    this.#slots[this.#head] = undefined; // let the item be collected
    this.#head = (this.#head + 1) & (this.#slots.length - 1);
    this.#size--;
    return entry;
  }

  takeAll(): E[] {
    const entries: E[] = [];
    while (this.#size > 0) entries.push(this.take());
    return entries;
  }

  #grow(): void {
    const old = this.#slots;
    const slots = new Array<E | undefined>(old.length * 2);
    for (let i = 0; i < this.#size; i++) slots[i] = old[(this.#head + i) & (old.length - 1)];
    this.#slots = slots;
    this.#head = 0;
  }
}
