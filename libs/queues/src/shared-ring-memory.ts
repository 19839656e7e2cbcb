import { WordMutex } from '@concurrency-lab/locks/internal';
import { QueueShutdownError, TaskDoneOvercalledError } from './errors';
import {
  ALL_DONE,
  CAPACITY,
  COUNT,
  dataOffset,
  GETTERS,
  HEAD,
  HEADER_BYTES,
  HEADER_INTS,
  LOCK,
  MAGIC,
  MAGIC_CELL,
  NOT_EMPTY,
  NOT_FULL,
  OPEN,
  PUTTERS,
  ringByteLength,
  SHUT_DOWN,
  SLOT_BYTES,
  STATE,
  UNFINISHED_BYTE,
} from './shared-ring-layout';
import { validate } from './validate';

/** What an operation returns when it cannot proceed yet (the caller then sleeps and retries). */
export const BLOCKED = Symbol('blocked');
export type Attempt<R> = () => R | typeof BLOCKED;

/**
 * One thread's views of a ring (layout: `shared-ring-layout.ts`) and the operations on it. The
 * operations never wait: `put`, `get`, `putMany`, `getMany` and `shutdown` must run under the
 * ring's LOCK and return BLOCKED when the caller has to sleep; `taskDone` and the join probe
 * use atomics only. Wakeups are decided under the lock and sent by `deliverWakeups()` after it
 * is released, so a woken thread finds the lock free.
 */
export class SharedRingMemory {
  readonly buffer: SharedArrayBuffer;
  readonly header: Int32Array;
  /** UNFINISHED: put minus taskDone(), an int64 so that it never wraps (see the layout). */
  readonly unfinished: BigInt64Array;
  /** The ring's one lock, in its header's LOCK cell (see WordMutex). */
  readonly lock: WordMutex;
  readonly capacity: number;
  readonly slotBytes: number;
  readonly #lengths: Int32Array;
  readonly #data: Uint8Array;
  #wakeGetters = false;
  #wakePutters = false;
  #wakeEveryone = false;

  private constructor(buffer: SharedArrayBuffer) {
    this.buffer = buffer;
    this.header = new Int32Array(buffer, 0, HEADER_INTS);
    this.unfinished = new BigInt64Array(buffer, UNFINISHED_BYTE, 1);
    this.lock = new WordMutex(this.header, LOCK);
    this.capacity = Atomics.load(this.header, CAPACITY);
    this.slotBytes = Atomics.load(this.header, SLOT_BYTES);
    this.#lengths = new Int32Array(buffer, HEADER_BYTES, this.capacity);
    this.#data = new Uint8Array(buffer, dataOffset(this.capacity), this.capacity * this.slotBytes);
  }

  /** Lays out a new, empty, open ring. */
  static create(capacity: number, slotBytes: number): SharedRingMemory {
    const buffer = new SharedArrayBuffer(ringByteLength(capacity, slotBytes));
    const header = new Int32Array(buffer, 0, HEADER_INTS);
    Atomics.store(header, CAPACITY, capacity);
    Atomics.store(header, SLOT_BYTES, slotBytes);
    Atomics.store(header, MAGIC_CELL, MAGIC);
    return new SharedRingMemory(buffer);
  }

  /** Maps a ring laid out elsewhere, after checking it is one. */
  static attach(buffer: unknown): SharedRingMemory {
    if (buffer instanceof SharedArrayBuffer && buffer.byteLength >= HEADER_BYTES) {
      const header = new Int32Array(buffer, 0, HEADER_INTS);
      const capacity = Atomics.load(header, CAPACITY);
      const slotBytes = Atomics.load(header, SLOT_BYTES);
      if (
        Atomics.load(header, MAGIC_CELL) === MAGIC &&
        capacity > 0 &&
        slotBytes > 0 &&
        buffer.byteLength === ringByteLength(capacity, slotBytes)
      ) {
        return new SharedRingMemory(buffer);
      }
    }
    return validate.fail('buffer', 'the buffer of a SharedRingQueue', buffer);
  }

  // ── under the lock ───────────────────────────────────────────────────────────────────────

  put(message: Uint8Array): void | typeof BLOCKED {
    const h = this.header;
    if (Atomics.load(h, STATE) !== OPEN) throw new QueueShutdownError();
    const count = Atomics.load(h, COUNT);
    if (count === this.capacity) return BLOCKED;
    const slot = (Atomics.load(h, HEAD) + count) % this.capacity;
    this.#lengths[slot] = message.length;
    this.#data.set(message, slot * this.slotBytes);
    this.#added(count, 1);
  }

  get(): Uint8Array | typeof BLOCKED {
    const h = this.header;
    const count = Atomics.load(h, COUNT);
    if (count === 0) return this.#whenEmpty();
    const head = Atomics.load(h, HEAD);
    const start = head * this.slotBytes;
    const message = this.#data.slice(start, start + (this.#lengths[head] as number));
    this.#removed(head, count, 1);
    return message;
  }

  /** As many whole records of `records` as fit (at least one, else BLOCKED); returns how many. */
  putMany(records: Uint8Array): number | typeof BLOCKED {
    const h = this.header;
    if (Atomics.load(h, STATE) !== OPEN) throw new QueueShutdownError();
    const count = Atomics.load(h, COUNT);
    const slotBytes = this.slotBytes;
    const n = Math.min(this.capacity - count, records.length / slotBytes);
    if (n === 0) return BLOCKED;
    const tail = (Atomics.load(h, HEAD) + count) % this.capacity;
    const first = Math.min(n, this.capacity - tail); // the rest wraps to slot 0
    this.#data.set(records.subarray(0, first * slotBytes), tail * slotBytes);
    this.#lengths.fill(slotBytes, tail, tail + first);
    if (n > first) {
      this.#data.set(records.subarray(first * slotBytes, n * slotBytes), 0);
      this.#lengths.fill(slotBytes, 0, n - first);
    }
    this.#added(count, n);
    return n;
  }

  /** Up to `target.length / slotBytes` messages into `target` (at least one, else BLOCKED). */
  getMany(target: Uint8Array, lengths?: Int32Array): number | typeof BLOCKED {
    const h = this.header;
    const count = Atomics.load(h, COUNT);
    if (count === 0) return this.#whenEmpty();
    const slotBytes = this.slotBytes;
    const n = Math.min(count, Math.floor(target.length / slotBytes));
    const head = Atomics.load(h, HEAD);
    const first = Math.min(n, this.capacity - head);
    target.set(this.#data.subarray(head * slotBytes, (head + first) * slotBytes), 0);
    if (n > first) target.set(this.#data.subarray(0, (n - first) * slotBytes), first * slotBytes);
    for (let i = 0; i < n; i++) {
      const length = this.#lengths[(head + i) % this.capacity] as number;
      if (lengths !== undefined) lengths[i] = length;
      // A shorter message leaves stale bytes after it in the slot: never hand those out.
      if (length < slotBytes) target.fill(0, i * slotBytes + length, (i + 1) * slotBytes);
    }
    this.#removed(head, count, n);
    return n;
  }

  shutdown(immediate: boolean): void {
    const h = this.header;
    Atomics.store(h, STATE, SHUT_DOWN);
    if (immediate) {
      const dropped = BigInt(Atomics.exchange(h, COUNT, 0));
      Atomics.store(h, HEAD, 0);
      // taskDone() runs without the lock: take the dropped messages off with a CAS loop too.
      const u = this.unfinished;
      for (;;) {
        const unfinished = Atomics.load(u, 0);
        const left = unfinished > dropped ? unfinished - dropped : 0n;
        if (Atomics.compareExchange(u, 0, unfinished, left) !== unfinished) continue;
        if (unfinished > 0n && left === 0n) Atomics.add(h, ALL_DONE, 1);
        break;
      }
    }
    Atomics.add(h, NOT_EMPTY, 1);
    Atomics.add(h, NOT_FULL, 1);
    this.#wakeEveryone = true;
  }

  // ── without the lock ─────────────────────────────────────────────────────────────────────

  taskDone(count: number): void {
    const h = this.header;
    const u = this.unfinished;
    const n = BigInt(count);
    for (;;) {
      const unfinished = Atomics.load(u, 0);
      if (unfinished < n) throw new TaskDoneOvercalledError();
      if (Atomics.compareExchange(u, 0, unfinished, unfinished - n) !== unfinished) {
        continue; // another thread moved it: read again
      }
      if (unfinished === n) {
        Atomics.add(h, ALL_DONE, 1);
        Atomics.notify(h, ALL_DONE);
      }
      return;
    }
  }

  /**
   * A join is done when UNFINISHED is 0, or once ALL_DONE moved since the join began (it was
   * 0 at that moment, even if new messages came since) — asyncio's Event semantics.
   */
  joinProbe(): Attempt<void> {
    const h = this.header;
    const began = Atomics.load(h, ALL_DONE);
    return () => {
      if (Atomics.load(this.unfinished, 0) === 0n || Atomics.load(h, ALL_DONE) !== began) return;
      return BLOCKED;
    };
  }

  /** Sends the wakeups decided under the lock; call right after releasing it. */
  deliverWakeups(): void {
    const h = this.header;
    if (this.#wakeGetters || this.#wakeEveryone) Atomics.notify(h, NOT_EMPTY);
    if (this.#wakePutters || this.#wakeEveryone) Atomics.notify(h, NOT_FULL);
    if (this.#wakeEveryone) Atomics.notify(h, ALL_DONE);
    this.#wakeGetters = this.#wakePutters = this.#wakeEveryone = false;
  }

  #whenEmpty(): typeof BLOCKED {
    if (Atomics.load(this.header, STATE) !== OPEN) throw new QueueShutdownError();
    return BLOCKED;
  }

  /*
   * Wake on transitions only. A getter goes to sleep only when the ring is empty and a putter
   * only when it is full (both decided under the lock), so the first put after "empty" and the
   * first get after "full" wake every sleeper of that kind, and they re-check. Waking on every
   * put instead costs a notify per message while a sleeper is on its way back to the lock;
   * waking only one would strand the others while there is room (a test hangs if we do).
   */
  #added(count: number, n: number): void {
    const h = this.header;
    Atomics.store(h, COUNT, count + n);
    Atomics.add(this.unfinished, 0, BigInt(n));
    if (count === 0 && Atomics.load(h, GETTERS) > 0) {
      Atomics.add(h, NOT_EMPTY, 1);
      this.#wakeGetters = true;
    }
  }

  #removed(head: number, count: number, n: number): void {
    const h = this.header;
    Atomics.store(h, HEAD, (head + n) % this.capacity);
    Atomics.store(h, COUNT, count - n);
    if (count === this.capacity && Atomics.load(h, PUTTERS) > 0) {
      Atomics.add(h, NOT_FULL, 1);
      this.#wakePutters = true;
    }
  }
}
