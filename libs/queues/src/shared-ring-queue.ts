import type { WaitOptions } from '@concurrency-lab/locks';
import { describeValue } from '@concurrency-lab/locks/internal';
import { InvalidArgumentError, MessageTooLargeError } from './errors';
import {
  COUNT,
  GETTERS,
  MAX_RING_BYTES,
  OPEN,
  PUTTERS,
  ringByteLength,
  STATE,
} from './shared-ring-layout';
import { SharedRingMemory, type Attempt } from './shared-ring-memory';
import {
  FOR_ALL_DONE,
  FOR_MESSAGES,
  FOR_ROOM,
  NO_WAIT,
  waitBlocking,
  waitNonBlocking,
  type Condition,
} from './shared-ring-waits';
import { shutdownImmediate, validate } from './validate';

export interface SharedRingQueueOptions {
  /** Messages the ring holds; then puts wait. @example 1024 */
  capacity: number;
  /** Bytes per slot: the largest message, or the size of every fixed-size record. @example 16 */
  slotBytes: number;
}

/**
 * Blocking calls (worker threads) take a timeout only: a blocked thread cannot see a signal fire.
 */
export interface BlockingWaitOptions {
  /** Milliseconds; 0 = do not wait. @default Infinity */
  timeout?: number;
}

export interface GetManyOptions {
  /**
   * Receives each message's length (messages shorter than `slotBytes` are zero-padded in `target`).
   */
  lengths?: Int32Array;
}

export interface SharedRingStats {
  readonly size: number;
  readonly capacity: number;
  readonly slotBytes: number;
  readonly unfinishedTasks: number;
  /** Callers (any thread) asleep until a message arrives / until there is room. */
  readonly waitingGetters: number;
  readonly waitingPutters: number;
  readonly isShutdown: boolean;
}

/**
 * A multi-producer multi-consumer queue of byte messages (or fixed-size records) in a
 * SharedArrayBuffer: Python's `queue.Queue` across worker threads, with `taskDone`/`join` and
 * 3.13's `shutdown`. Layout: `shared-ring-layout.ts`.
 *
 * Create it in one thread, pass `queue.buffer` to the others (workerData or postMessage) and
 * `SharedRingQueue.attach(buffer)` there. Two families of methods:
 * - blocking (`put`, `get`, `tryPut`, `tryGet`, `putMany`, `getMany`, `join`, `shutdown`) sleep
 *   in `Atomics.wait`: for worker threads; on the main thread they throw
 *   `ERR_QUEUE_MAIN_THREAD_BLOCKING`;
 * - `*Async` variants sleep in `Atomics.waitAsync`: usable anywhere, with timeouts and signals.
 * `taskDone`, `stats`, `size`, `empty`, `full` and `isShutdown` never wait.
 */
export class SharedRingQueue {
  readonly #memory: SharedRingMemory;

  constructor(options: SharedRingQueueOptions | { buffer: SharedArrayBuffer }) {
    validate.requiredOptions(options, '{ capacity: 1024, slotBytes: 16 }');
    if ('buffer' in options) {
      this.#memory = SharedRingMemory.attach(options.buffer);
      return;
    }
    const capacity = validate.integer(options.capacity, 'capacity', 1, 1 << 24);
    const slotBytes = validate.integer(options.slotBytes, 'slotBytes', 1, 1 << 24);
    const bytes = ringByteLength(capacity, slotBytes);
    if (bytes > MAX_RING_BYTES) {
      validate.fail('capacity × slotBytes', `at most ${MAX_RING_BYTES} bytes`, bytes);
    }
    this.#memory = SharedRingMemory.create(capacity, slotBytes);
  }

  /** Maps a ring created elsewhere (its `buffer`, sent by workerData or postMessage). */
  static attach(buffer: SharedArrayBuffer): SharedRingQueue {
    return new SharedRingQueue({ buffer });
  }

  /** The shared memory: hand it to other threads. */
  get buffer(): SharedArrayBuffer {
    return this.#memory.buffer;
  }

  get capacity(): number {
    return this.#memory.capacity;
  }

  get slotBytes(): number {
    return this.#memory.slotBytes;
  }

  get size(): number {
    return Atomics.load(this.#memory.header, COUNT);
  }

  get empty(): boolean {
    return this.size === 0;
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  get isShutdown(): boolean {
    return Atomics.load(this.#memory.header, STATE) !== OPEN;
  }

  /** Read without the lock: each number is exact, together they are a moment's approximation. */
  get stats(): SharedRingStats {
    const h = this.#memory.header;
    return {
      size: Atomics.load(h, COUNT),
      capacity: this.capacity,
      slotBytes: this.slotBytes,
      unfinishedTasks: Number(Atomics.load(this.#memory.unfinished, 0)),
      waitingGetters: Atomics.load(h, GETTERS),
      waitingPutters: Atomics.load(h, PUTTERS),
      isShutdown: Atomics.load(h, STATE) !== OPEN,
    };
  }

  // ── blocking: worker threads ──────────────────────────────────────────────────────────────

  /** Copies `message` (at most `slotBytes`) in, sleeping while the ring is full. */
  put(message: Uint8Array, options?: BlockingWaitOptions): void {
    this.#expectMessage(message);
    const memory = this.#memory;
    const timeout = validate.syncWaitOptions(options);
    waitBlocking(memory, () => memory.put(message), FOR_ROOM, timeout);
  }

  /** Takes the oldest message (a copy), sleeping while the ring is empty. */
  get(options?: BlockingWaitOptions): Uint8Array {
    const memory = this.#memory;
    const timeout = validate.syncWaitOptions(options);
    return waitBlocking(memory, () => memory.get(), FOR_MESSAGES, timeout);
  }

  /** Python's `put_nowait`: `ERR_QUEUE_FULL` instead of sleeping. */
  tryPut(message: Uint8Array): void {
    this.put(message, { timeout: 0 });
  }

  /** Python's `get_nowait`: `ERR_QUEUE_EMPTY` instead of sleeping. */
  tryGet(): Uint8Array {
    return this.get({ timeout: 0 });
  }

  /**
   * Puts fixed-size records (`records.length` a multiple of `slotBytes`), like write(2): sleeps
   * until at least one fits, puts as many as fit, returns how many. Loop for the rest.
   */
  putMany(records: Uint8Array, options?: BlockingWaitOptions): number {
    this.#expectRecords(records);
    const memory = this.#memory;
    const timeout = validate.syncWaitOptions(options);
    return waitBlocking(memory, () => memory.putMany(records), FOR_ROOM, timeout);
  }

  /**
   * Takes up to `target.length / slotBytes` messages into `target`, like read(2): sleeps until one
   * is there.
   */
  getMany(target: Uint8Array, options?: BlockingWaitOptions & GetManyOptions): number {
    const record = validate.object(options);
    const lengths = this.#expectTarget(target, record['lengths']);
    const memory = this.#memory;
    const timeout = validate.timeout(record['timeout']);
    return waitBlocking(memory, () => memory.getMany(target, lengths), FOR_MESSAGES, timeout);
  }

  /**
   * Sleeps until every message put so far has had its `taskDone()` (`ERR_QUEUE_TIMEOUT` after
   * `timeout`).
   */
  join(options?: BlockingWaitOptions): void {
    const memory = this.#memory;
    const timeout = validate.syncWaitOptions(options);
    waitBlocking(memory, memory.joinProbe(), FOR_ALL_DONE, timeout);
  }

  /** See `shutdownAsync`. */
  shutdown(options?: { immediate?: boolean }): void {
    const memory = this.#memory;
    const immediate = shutdownImmediate(options);
    waitBlocking(memory, () => memory.shutdown(immediate), NO_WAIT, Infinity);
  }

  // ── async: any thread, the main thread included; bad arguments reject, never throw ─────

  async putAsync(message: Uint8Array, options: WaitOptions = {}): Promise<void> {
    this.#expectMessage(message);
    const memory = this.#memory;
    return this.#nonBlocking(() => memory.put(message), FOR_ROOM, options);
  }

  async getAsync(options: WaitOptions = {}): Promise<Uint8Array> {
    const memory = this.#memory;
    return this.#nonBlocking(() => memory.get(), FOR_MESSAGES, options);
  }

  async putManyAsync(records: Uint8Array, options: WaitOptions = {}): Promise<number> {
    this.#expectRecords(records);
    const memory = this.#memory;
    return this.#nonBlocking(() => memory.putMany(records), FOR_ROOM, options);
  }

  async getManyAsync(target: Uint8Array, options?: WaitOptions & GetManyOptions): Promise<number> {
    const lengths = this.#expectTarget(target, validate.object(options)['lengths']);
    const memory = this.#memory;
    return this.#nonBlocking(() => memory.getMany(target, lengths), FOR_MESSAGES, options);
  }

  async joinAsync(options: WaitOptions = {}): Promise<void> {
    return this.#nonBlocking(this.#memory.joinProbe(), FOR_ALL_DONE, options);
  }

  /**
   * Python 3.13's `shutdown`: later puts fail with `ERR_QUEUE_SHUTDOWN`, sleepers wake, gets
   * fail with it once the ring is drained. `immediate` drops what is buffered and counts it
   * as done, so `join` returns.
   */
  async shutdownAsync(options?: { immediate?: boolean }): Promise<void> {
    const memory = this.#memory;
    const immediate = shutdownImmediate(options);
    return this.#nonBlocking(() => memory.shutdown(immediate), NO_WAIT, {});
  }

  /**
   * Marks `count` messages processed; throws `ERR_QUEUE_TASK_DONE_OVERCALLED` past the count put.
   */
  taskDone(count = 1): void {
    this.#memory.taskDone(validate.integer(count, 'count', 1));
  }

  #nonBlocking<R>(
    attempt: Attempt<R>,
    condition: Condition,
    options: WaitOptions | undefined,
  ): Promise<R> {
    const { timeout, signal } = validate.waitOptions(options);
    return waitNonBlocking(this.#memory, attempt, condition, timeout, signal);
  }

  #expectMessage(message: Uint8Array): void {
    if (!(message instanceof Uint8Array)) {
      validate.fail('message', 'a Uint8Array', message);
    }
    if (message.length > this.slotBytes) {
      throw new MessageTooLargeError(
        `Expected a message of at most ${this.slotBytes} bytes (slotBytes), got ${message.length} bytes`,
      );
    }
  }

  #expectRecords(records: Uint8Array): void {
    if (
      !(records instanceof Uint8Array) ||
      records.length === 0 ||
      records.length % this.slotBytes !== 0
    ) {
      throw new InvalidArgumentError(
        `Expected \`records\` to be a non-empty Uint8Array of whole ${this.slotBytes}-byte records, got ${
          records instanceof Uint8Array ? `${records.length} bytes` : describeValue(records)
        }`,
      );
    }
  }

  /** Checks `target` and the `lengths` option, and returns the latter. */
  #expectTarget(target: Uint8Array, lengths: unknown): Int32Array | undefined {
    if (!(target instanceof Uint8Array) || target.length < this.slotBytes) {
      throw new InvalidArgumentError(
        `Expected \`target\` to be a Uint8Array of at least ${this.slotBytes} bytes (one slot), got ${
          target instanceof Uint8Array ? `${target.length} bytes` : describeValue(target)
        }`,
      );
    }
    const fits = Math.floor(target.length / this.slotBytes);
    if (lengths !== undefined && (!(lengths instanceof Int32Array) || lengths.length < fits)) {
      validate.fail('lengths', `an Int32Array of at least ${fits} elements`, lengths);
    }
    return lengths;
  }
}
