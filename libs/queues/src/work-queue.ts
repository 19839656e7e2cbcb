import type { WaitOptions } from '@concurrency-lab/locks';
import { QueueFullError, QueueShutdownError } from './errors';
import { JobTicket, type Job } from './job-ticket';
import { LinkedList } from './linked-list';
import { notifyObserver, type QueueObserver } from './queue-observer';
import { SizeWatchers } from './size-watchers';
import { observerOption, shutdownImmediate, validate } from './validate';
import { WaitingLine } from './waiting-line';

export interface WorkQueueOptions {
  /** Jobs that run at once: the N consumers of the buffer. @example 8 */
  concurrency: number;
  /**
   * Jobs that may wait for a free slot; one more and `run` rejects `ERR_QUEUE_FULL` at once.
   * Running jobs do not count. @default 1000 (the contract's `MAX_QUEUE` default)
   */
  maxQueue?: number;
  /** Names the queue in `stats` and observer events (the `queue` metric label). @default 'work' */
  name?: string;
  /**
   * Instrumentation hook: `onEnqueue`/`onDequeue(waitMs)` per job, `onDiscard` when cancelled while
   * queued.
   */
  observer?: QueueObserver;
}

export interface RunOptions {
  /**
   * Cancels the job: a queued job is dropped (never started), a running one sees its
   * `context.signal` abort. Either way the promise rejects with `signal.reason` at once.
   */
  signal?: AbortSignal;
}

export interface WorkQueueStats {
  readonly name: string;
  readonly concurrency: number;
  readonly maxQueue: number;
  /** Jobs waiting for a slot. */
  readonly queued: number;
  /** Jobs holding a slot, including aborted ones that have not returned yet. */
  readonly running: number;
  readonly isShutdown: boolean;
  /** Jobs that returned a value / threw, since creation. */
  readonly completed: number;
  readonly failed: number;
  /** Jobs cancelled by their caller's signal or an immediate shutdown. */
  readonly cancelled: number;
  /** `run` calls refused with `ERR_QUEUE_FULL`. */
  readonly rejected: number;
}

type AnyTicket = JobTicket<unknown>;

const FOREVER = { timeout: Infinity, signal: undefined };

/**
 * A bounded buffer feeding N consumers, with results, errors and cancellation — the guide's
 * producer/consumer pool as one object (Python: a `ThreadPoolExecutor`'s `submit`, or an
 * `asyncio.Queue` drained by N worker tasks).
 *
 *   run(job) ──▶ [ pending: ≤ maxQueue ] ──▶ [ running: ≤ concurrency ] ──▶ result / error
 *                  full? ERR_QUEUE_FULL        signal aborts: queued → dropped, running → aborted
 *
 * A job whose caller gave up keeps its slot until it actually returns: the bound on in-flight
 * work stays true even when a job ignores its signal.
 */
export class WorkQueue {
  readonly name: string;
  readonly concurrency: number;
  readonly maxQueue: number;
  readonly #observer: QueueObserver | undefined;
  readonly #pending = new LinkedList<AnyTicket>();
  readonly #running = new LinkedList<AnyTicket>();
  readonly #idleWaiters = new WaitingLine();
  readonly #sizeWatchers: SizeWatchers;
  #isShutdown = false;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #rejected = 0;

  constructor(options: WorkQueueOptions) {
    validate.requiredOptions(options, '{ concurrency: 8, maxQueue: 100 }');
    this.concurrency = validate.integer(options.concurrency, 'concurrency', 1);
    this.maxQueue = validate.integer(options.maxQueue ?? 1000, 'maxQueue', 0);
    this.name = validate.name(options.name, 'work');
    this.#observer = observerOption(options.observer);
    this.#sizeWatchers = new SizeWatchers((limit) => `'${this.name}' held ${limit} jobs`);
  }

  get isShutdown(): boolean {
    return this.#isShutdown;
  }

  get stats(): WorkQueueStats {
    return {
      name: this.name,
      concurrency: this.concurrency,
      maxQueue: this.maxQueue,
      queued: this.#pending.size,
      running: this.#running.size,
      isShutdown: this.#isShutdown,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      rejected: this.#rejected,
    };
  }

  /**
   * Runs `job` when a slot is free and settles with its result or error. Rejects at once with
   * `ERR_QUEUE_FULL` when `maxQueue` jobs already wait, `ERR_QUEUE_SHUTDOWN` after `shutdown()`,
   * or `signal.reason` if the signal aborts before the job returns.
   */
  run<R>(job: Job<R>, options?: RunOptions): Promise<R> {
    const wait =
      typeof job === 'function'
        ? validate.waitOptionsOrError(options)
        : validate.error('job', 'a function', job);
    if (wait instanceof Error) return Promise.reject(wait);
    // The wait options' reader takes a timeout, which run() has nowhere to apply: refused
    // rather than checked and then ignored (Infinity too: "no timeout" is said by leaving it out).
    if ((options as { timeout?: unknown } | undefined)?.timeout !== undefined) {
      return Promise.reject(
        validate.error(
          'timeout',
          'absent (run() has none: pass `signal: AbortSignal.timeout(ms)`)',
          wait.timeout,
        ),
      );
    }
    const { signal } = wait;
    if (this.#isShutdown) return Promise.reject(new QueueShutdownError());
    if (signal?.aborted) return Promise.reject(signal.reason);
    const free = this.#running.size < this.concurrency;
    if (!free && this.#pending.size >= this.maxQueue) {
      this.#rejected++;
      return Promise.reject(
        new QueueFullError(
          `${this.#pending.size} jobs are queued in '${this.name}', the bound (maxQueue) is ${this.maxQueue}`,
        ),
      );
    }
    const ticket = new JobTicket(job, signal) as AnyTicket;
    if (signal !== undefined) {
      ticket.onCallerAbort = () => this.#cancel(ticket, signal.reason);
      signal.addEventListener('abort', ticket.onCallerAbort, { once: true });
    }
    if (free) {
      // Started before the observer is told, as in #pump: told first, a re-entrant observer's
      // run() found the slot still free and started a job beyond `concurrency`. The price: a
      // job whose synchronous start calls run() has that run's events told before its own.
      this.#start(ticket);
      notifyObserver(this.#observer, 'onEnqueue', { queue: this.name, size: this.#pending.size });
      notifyObserver(this.#observer, 'onDequeue', {
        queue: this.name,
        size: this.#pending.size,
        waitMs: 0,
      });
    } else {
      ticket.enqueuedAt = performance.now();
      ticket.node = this.#pending.push(ticket);
      notifyObserver(this.#observer, 'onEnqueue', { queue: this.name, size: this.#pending.size });
    }
    return ticket.promise as Promise<R>;
  }

  /** Resolves when nothing is queued or running (at once if so already). */
  onIdle(): Promise<void> {
    if (this.#pending.size === 0 && this.#running.size === 0) return Promise.resolve();
    return this.#idleWaiters.wait(undefined, FOREVER);
  }

  /** Backpressure for producers: resolves once fewer than `limit` jobs are queued. */
  onSizeBelow(limit: number, options?: WaitOptions): Promise<void> {
    return this.#sizeWatchers.watch(this.#pending.size, limit, options);
  }

  /**
   * Stops accepting jobs (`run` rejects `ERR_QUEUE_SHUTDOWN`) and resolves when the queue is
   * idle. Queued jobs still run, unless `immediate`: then queued jobs are dropped and running
   * ones aborted, and all their callers get `ERR_QUEUE_SHUTDOWN` at once (Python's
   * `executor.shutdown(cancel_futures=True)`, plus the abort Python cannot do). Bad options
   * reject `ERR_QUEUE_INVALID_ARGUMENT` (never throw) and leave the queue open.
   */
  shutdown(options?: { immediate?: boolean }): Promise<void> {
    let immediate: boolean;
    try {
      immediate = shutdownImmediate(options);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#isShutdown = true;
    if (immediate) {
      for (const ticket of [...this.#pending]) this.#cancel(ticket, new QueueShutdownError());
      for (const ticket of [...this.#running]) this.#cancel(ticket, new QueueShutdownError());
    }
    return this.onIdle();
  }

  #start(ticket: AnyTicket): void {
    ticket.node = this.#running.push(ticket);
    let result: unknown;
    try {
      result = ticket.job(ticket);
    } catch (error) {
      // Settle on a later tick, like a rejected promise would, so a pump never recurses.
      result = Promise.reject(error);
    }
    Promise.resolve(result).then(
      (value) => this.#finish(ticket, true, value),
      (error: unknown) => this.#finish(ticket, false, error),
    );
  }

  #finish(ticket: AnyTicket, ok: boolean, value: unknown): void {
    this.#running.remove(ticket.node as NonNullable<AnyTicket['node']>);
    this.#detachCaller(ticket);
    if (!ticket.answered) {
      if (ok) this.#completed++;
      else this.#failed++;
      ticket.answer(ok, value);
    }
    this.#pump();
  }

  /** The caller's signal aborted, or an immediate shutdown: answer now, free what can be freed. */
  #cancel(ticket: AnyTicket, reason: unknown): void {
    if (ticket.answered) return;
    this.#detachCaller(ticket);
    this.#cancelled++;
    ticket.answer(false, reason);
    const node = ticket.node as NonNullable<AnyTicket['node']>;
    if (this.#pending.remove(node)) {
      notifyObserver(this.#observer, 'onDiscard', {
        queue: this.name,
        size: this.#pending.size,
        waitMs: performance.now() - ticket.enqueuedAt,
      });
      this.#settleWatchers();
    } else {
      ticket.abortJob(reason); // it runs: the slot frees when the job returns
    }
  }

  #detachCaller(ticket: AnyTicket): void {
    if (ticket.onCallerAbort === undefined) return;
    ticket.callerSignal?.removeEventListener('abort', ticket.onCallerAbort);
    ticket.onCallerAbort = undefined;
  }

  #pump(): void {
    while (this.#running.size < this.concurrency && this.#pending.size > 0) {
      const ticket = this.#pending.shift() as AnyTicket;
      const waitMs = performance.now() - ticket.enqueuedAt;
      this.#start(ticket);
      // Told only once the job counts as running (QueueObserver: "after the queue's state is
      // consistent again"): told before, a re-entrant observer's `run()` found the slot still
      // free and started a job beyond `concurrency`.
      notifyObserver(this.#observer, 'onDequeue', {
        queue: this.name,
        size: this.#pending.size,
        waitMs,
      });
    }
    this.#settleWatchers();
  }

  #settleWatchers(): void {
    const queued = this.#pending.size;
    this.#sizeWatchers.release(queued);
    if (queued === 0 && this.#running.size === 0) this.#idleWaiters.serveAll(undefined);
  }
}
