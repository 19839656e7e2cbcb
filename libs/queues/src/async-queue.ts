import type { WaitOptions } from '@concurrency-lab/locks';
import {
  isQueueError,
  QueueEmptyError,
  QueueFullError,
  QueueShutdownError,
  QueueTimeoutError,
  TaskDoneOvercalledError,
} from './errors';
import { FifoBuffer } from './fifo-buffer';
import type { ItemBuffer, QueueEntry } from './item-buffer';
import { notifyObserver, type QueueObserver } from './queue-observer';
import { SizeWatchers } from './size-watchers';
import { observerOption, shutdownImmediate, validate } from './validate';
import { WaitingLine } from './waiting-line';

export interface QueueOptions {
  /**
   * Items the queue holds before `put` waits and `tryPut` throws. Required, so that an unbounded
   * queue is a choice someone wrote down: pass `Infinity` for Python's `maxsize=0`.
   * @example { maxSize: 100 }
   */
  maxSize: number;
  /** Names the queue in `stats` and observer events (the `queue` metric label). @default 'queue' */
  name?: string;
  /** Instrumentation hook: size and wait times, e.g. `queueMetricsObserver(...)`. */
  observer?: QueueObserver;
}

export interface ShutdownOptions {
  /**
   * Also drop the buffered items (each counts as done for `join`), as Python 3.13. @default false
   */
  immediate?: boolean;
}

/** A read-only snapshot; metrics and logs read this rather than the internals. */
export interface QueueStats {
  readonly name: string;
  readonly size: number;
  readonly maxSize: number;
  /** Producers suspended in `put` because the queue is full. */
  readonly waitingPutters: number;
  /** Consumers suspended in `get` because the queue is empty. */
  readonly waitingGetters: number;
  /** Items put and not yet `taskDone()` (Python's `unfinished_tasks`). */
  readonly unfinishedTasks: number;
  readonly isShutdown: boolean;
  /** Items accepted since creation. */
  readonly enqueued: number;
  /** Items taken by consumers since creation. */
  readonly dequeued: number;
  /** Items dropped by `shutdown({ immediate: true })`. */
  readonly discarded: number;
}

const DONE = Promise.resolve();

/**
 * Python's `asyncio.Queue` (and `queue.Queue`'s semantics) for one event loop: FIFO, optionally
 * bounded, with `taskDone`/`join`, 3.13's `shutdown`, timeouts and AbortSignals.
 *
 * Unlike asyncio, an item is handed straight to the consumer that has waited longest, and a
 * freed slot straight to the producer that has waited longest: a waiter that was woken can
 * never find its item taken by a newcomer, so waiters are served in arrival order. It follows
 * that consumers wait only while the buffer is empty and producers only while it is full.
 *
 * The waiting lines themselves are as long as the number of suspended callers (each holds its
 * own promise); bound the callers — a work queue's `maxQueue`, a request bound — not the lines.
 */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly name: string;
  readonly maxSize: number;
  readonly #buffer: ItemBuffer<QueueEntry<T>>;
  readonly #observer: QueueObserver | undefined;
  /** Consumers waiting for an item (only while the buffer is empty). */
  readonly #getters = new WaitingLine<undefined, T>(
    (timeout) => new QueueEmptyError(`The queue stayed empty for ${timeout} ms`),
  );
  /** Producers waiting for room, each with its item (only while the buffer is full). */
  readonly #putters = new WaitingLine<T>(
    (timeout) => new QueueFullError(`The queue stayed full for ${timeout} ms`),
  );
  readonly #joiners = new WaitingLine(
    (timeout) => new QueueTimeoutError(`join() waited ${timeout} ms`),
  );
  readonly #watchers = new SizeWatchers((limit) => `The queue held ${limit} items`);
  #unfinished = 0;
  #isShutdown = false;
  #enqueued = 0;
  #dequeued = 0;
  #discarded = 0;

  constructor(options: QueueOptions) {
    validate.requiredOptions(options, '{ maxSize: 100 }');
    this.maxSize = validate.integerOrInfinity(options.maxSize, 'maxSize', 1);
    this.name = validate.name(options.name, 'queue');
    this.#observer = observerOption(options.observer);
    this.#buffer = this.createBuffer(options);
  }

  /** The discipline: FIFO here; `LifoQueue` and `PriorityQueue` override it. */
  protected createBuffer(_options: QueueOptions): ItemBuffer<QueueEntry<T>> {
    return new FifoBuffer<QueueEntry<T>>();
  }

  get size(): number {
    return this.#buffer.size;
  }

  get empty(): boolean {
    return this.#buffer.size === 0;
  }

  get full(): boolean {
    return this.#buffer.size >= this.maxSize;
  }

  get isShutdown(): boolean {
    return this.#isShutdown;
  }

  get unfinishedTasks(): number {
    return this.#unfinished;
  }

  get stats(): QueueStats {
    return {
      name: this.name,
      size: this.#buffer.size,
      maxSize: this.maxSize,
      waitingPutters: this.#putters.size,
      waitingGetters: this.#getters.size,
      unfinishedTasks: this.#unfinished,
      isShutdown: this.#isShutdown,
      enqueued: this.#enqueued,
      dequeued: this.#dequeued,
      discarded: this.#discarded,
    };
  }

  /**
   * Puts `item`, waiting while the queue is full. Rejects `ERR_QUEUE_SHUTDOWN` after `shutdown()`.
   */
  put(item: T, options?: WaitOptions): Promise<void> {
    const wait = validate.waitOptionsOrError(options);
    if (wait instanceof Error) return Promise.reject(wait);
    if (this.#isShutdown) return Promise.reject(new QueueShutdownError());
    if (wait.signal?.aborted) return Promise.reject(wait.signal.reason);
    try {
      if (this.#offer(item)) return DONE;
    } catch (error) {
      return Promise.reject(error); // a PriorityQueue's `compare` threw (nothing changed)
    }
    if (wait.timeout === 0) return Promise.reject(new QueueFullError());
    return this.#putters.wait(item, wait);
  }

  /** Python's `put_nowait`: throws `ERR_QUEUE_FULL` instead of waiting. */
  tryPut(item: T): void {
    if (this.#isShutdown) throw new QueueShutdownError();
    if (!this.#offer(item)) throw new QueueFullError();
  }

  /**
   * Takes the next item, waiting while the queue is empty; once shut down and drained, rejects
   * `ERR_QUEUE_SHUTDOWN`.
   */
  get(options?: WaitOptions): Promise<T> {
    const wait = validate.waitOptionsOrError(options);
    if (wait instanceof Error) return Promise.reject(wait);
    if (wait.signal?.aborted) return Promise.reject(wait.signal.reason);
    if (this.#buffer.size > 0) {
      try {
        return Promise.resolve(this.#take());
      } catch (error) {
        return Promise.reject(error); // a PriorityQueue's `compare` threw (nothing changed)
      }
    }
    if (this.#isShutdown) return Promise.reject(new QueueShutdownError());
    if (wait.timeout === 0) return Promise.reject(new QueueEmptyError());
    return this.#getters.wait(undefined, wait);
  }

  /** Python's `get_nowait`: throws `ERR_QUEUE_EMPTY` (or `ERR_QUEUE_SHUTDOWN` once drained). */
  tryGet(): T {
    if (this.#buffer.size > 0) return this.#take();
    throw this.#isShutdown ? new QueueShutdownError() : new QueueEmptyError();
  }

  /**
   * Marks one item taken by `get` as processed; throws `ERR_QUEUE_TASK_DONE_OVERCALLED` past the
   * count of puts.
   */
  taskDone(): void {
    if (this.#unfinished <= 0) throw new TaskDoneOvercalledError();
    if (--this.#unfinished === 0) this.#joiners.serveAll(undefined);
  }

  /** Resolves once every item put so far has had its `taskDone()` (at once if none is pending). */
  join(options?: WaitOptions): Promise<void> {
    const wait = validate.waitOptionsOrError(options);
    if (wait instanceof Error) return Promise.reject(wait);
    if (wait.signal?.aborted) return Promise.reject(wait.signal.reason);
    if (this.#unfinished === 0) return DONE;
    return this.#joiners.wait(undefined, wait);
  }

  /**
   * Python 3.13's `shutdown`: later puts reject `ERR_QUEUE_SHUTDOWN`, waiting producers and
   * consumers are released with it, and gets reject with it once the buffer is drained. With
   * `immediate`, the buffer is dropped now and its items count as done, so `join` can return.
   * Bad options throw `ERR_QUEUE_INVALID_ARGUMENT` and leave the queue open.
   */
  shutdown(options?: ShutdownOptions): void {
    const immediate = shutdownImmediate(options);
    this.#isShutdown = true;
    if (immediate) {
      const now = performance.now();
      // takeAll, not take: dropping compares nothing, so a throwing `compare` cannot stop it.
      const dropped = this.#buffer.takeAll();
      this.#discarded += dropped.length;
      this.#unfinished = Math.max(0, this.#unfinished - dropped.length);
      for (let i = 0; i < dropped.length; i++) {
        notifyObserver(this.#observer, 'onDiscard', {
          queue: this.name,
          size: dropped.length - 1 - i,
          waitMs: now - (dropped[i] as QueueEntry<T>).enqueuedAt,
        });
      }
      if (this.#unfinished === 0) this.#joiners.serveAll(undefined);
      this.#watchers.release(this.#buffer.size);
    }
    // Waiting consumers imply an empty buffer, so every one of them is done for.
    this.#getters.failAll(() => new QueueShutdownError());
    this.#putters.failAll(() => new QueueShutdownError());
  }

  /**
   * Backpressure: resolves once fewer than `limit` items are buffered (p-queue's `onSizeLessThan`).
   */
  onSizeBelow(limit: number, options?: WaitOptions): Promise<void> {
    return this.#watchers.watch(this.#buffer.size, limit, options);
  }

  /**
   * Consumes the queue: yields items until it is shut down and drained. Call `taskDone()` per
   * item if anyone `join`s. Breaking out of the loop takes nothing more.
   */
  async *values(options: Pick<WaitOptions, 'signal'> = {}): AsyncGenerator<T, void, undefined> {
    for (;;) {
      let item: T;
      try {
        item = await this.get(options);
      } catch (error) {
        if (isQueueError(error, 'ERR_QUEUE_SHUTDOWN')) return;
        throw error;
      }
      yield item;
    }
  }

  [Symbol.asyncIterator](): AsyncGenerator<T, void, undefined> {
    return this.values();
  }

  /** Hands `value` to the longest-waiting consumer, else buffers it if there is room. */
  #offer(value: T): boolean {
    const getter = this.#getters.shift();
    if (getter !== undefined) {
      this.#unfinished++;
      this.#enqueued++;
      this.#dequeued++;
      notifyObserver(this.#observer, 'onEnqueue', { queue: this.name, size: 0 });
      notifyObserver(this.#observer, 'onDequeue', { queue: this.name, size: 0, waitMs: 0 });
      getter.grant(value);
      return true;
    }
    if (this.#buffer.size >= this.maxSize) return false;
    this.#store(value);
    notifyObserver(this.#observer, 'onEnqueue', { queue: this.name, size: this.#buffer.size });
    return true;
  }

  /**
   * Buffers `value` and counts it; the caller tells the observer once the hand-off is over. The
   * push comes first: when a PriorityQueue's `compare` throws in it, nothing has changed.
   */
  #store(value: T): void {
    this.#buffer.push({ value, enqueuedAt: performance.now() });
    this.#unfinished++;
    this.#enqueued++;
  }

  /** Throws, having changed nothing, only if a PriorityQueue's `compare` throws in the take. */
  #take(): T {
    const entry = this.#buffer.take();
    this.#dequeued++;
    const size = this.#buffer.size;
    const waitMs = performance.now() - entry.enqueuedAt;
    const admitted = this.#admitPutter();
    // Observers hear of the take only now (QueueObserver: "after the queue's state is
    // consistent again"). Told between the take and the waiting producer's move into the freed
    // slot, a re-entrant observer could `tryPut` into that slot and overfill the queue.
    notifyObserver(this.#observer, 'onDequeue', { queue: this.name, size, waitMs });
    if (admitted) {
      notifyObserver(this.#observer, 'onEnqueue', { queue: this.name, size: this.#buffer.size });
    }
    return entry.value;
  }

  /**
   * A slot is free: it goes to the producer that has waited longest, so the size is back.
   * A producer whose item a PriorityQueue's `compare` throws on is rejected with that error,
   * and the slot goes to the next in line: no item is lost and no producer is left waiting
   * while there is room. Returns whether an item moved in.
   */
  #admitPutter(): boolean {
    for (let putter = this.#putters.shift(); putter !== undefined; putter = this.#putters.shift()) {
      try {
        this.#store(putter.payload);
      } catch (error) {
        putter.fail(error);
        continue;
      }
      putter.grant(undefined);
      return true;
    }
    this.#watchers.release(this.#buffer.size);
    return false;
  }
}
