import { availableParallelism } from 'node:os';
import {
  BrokenExecutorError,
  CancelledError,
  InvalidArgumentError,
  QueueFullError,
  ShutdownError,
  WorkerCrashedError,
} from './errors';
import { mapInOrder, type MapOptions, type MapSource } from './executor-map';
import type { Future } from './future';
import type {
  ExecutorOptions,
  ExecutorStats,
  ShutdownOptions,
  SubmitOptions,
} from './executor-options';
import {
  booleanOption,
  functionArgument,
  integerOption,
  iterableArgument,
  moduleFilename,
  nameOption,
  optionsObject,
  signalOption,
  validate,
} from './option-validation';
import { reportThrow } from './report-throw';
import { TaskFuture } from './task-future';
import {
  rebuildError,
  type TaskRequest,
  type TaskResponse,
  type WorkerSetup,
} from './task-protocol';
import type { TerminateSignal, WorkerPool, WorkerPoolSettings } from './worker-pool';

const DEFAULT_MAX_QUEUE = 1024;

/** The longest delay a Node timer keeps (2^31 − 1 ms): `ready()`'s hold on the event loop. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * Where the pool's start stands (`ready()`): until each first worker is up, `starting`; then
 * `started` for good, or, if the pool broke or the executor was shut down first, that outcome.
 */
type StartState = 'starting' | 'started' | 'broken' | 'shutdown';

interface SubmitWaiter {
  readonly admit: () => void;
  readonly refuse: (error: unknown) => void;
}

/**
 * Python's `concurrent.futures.Executor` over a `WorkerPool`. The executor owns the queue:
 * a task goes to the pool only when a worker is free, so PENDING means "in our queue" (cancel
 * removes it, it never runs) and RUNNING means "handed to a worker".
 */
export abstract class Executor implements AsyncDisposable {
  readonly maxWorkers: number;
  readonly maxQueue: number;
  readonly #pool: WorkerPool;
  readonly #name: string;
  /** A Set keeps submission order and removes a cancelled task in O(1). */
  readonly #queue = new Set<TaskFuture<unknown>>();
  readonly #waiters: SubmitWaiter[] = [];
  readonly #cancel = (future: TaskFuture<unknown>, running: boolean): boolean =>
    this.#onCancel(future, running);
  #running = 0;
  #shutdown = false;
  #closed: Promise<void> | undefined;
  #drained: (() => void) | undefined;
  #completed = 0;
  #failed = 0;
  #cancelled = 0;
  #crashed = 0;
  #replaced = 0;
  #retired = 0;
  /** The initializer's error, once one worker's threw: the executor is broken. */
  #brokenBy: Error | undefined;
  readonly #onBroken: ((cause: Error) => void) | undefined;
  #startState: StartState = 'starting';
  /** What `ready()` hands out while the pool starts: made at its first call, one for all. */
  #readiness: { promise: Promise<void>; settle: (error?: Error) => void } | undefined;

  protected constructor(
    options: ExecutorOptions,
    createPool: (settings: WorkerPoolSettings) => WorkerPool,
  ) {
    validate.requiredOptions(options, '{ filename }');
    const filename = moduleFilename(options.filename);
    this.maxWorkers = integerOption('maxWorkers', options.maxWorkers, 1, availableParallelism());
    this.maxQueue = integerOption('maxQueue', options.maxQueue, 0, DEFAULT_MAX_QUEUE);
    this.#name = nameOption('name', options.name, 'default');
    const { onWorkerReplaced, onBroken } = options;
    if (onWorkerReplaced !== undefined) functionArgument('onWorkerReplaced', onWorkerReplaced);
    if (onBroken !== undefined) functionArgument('onBroken', onBroken);
    this.#onBroken = onBroken;
    const setup = setupOption(options);
    this.#pool = createPool({
      filename,
      ...(setup ? { setup } : {}),
      workers: this.maxWorkers,
      onReplaced: () => {
        this.#replaced++;
        if (onWorkerReplaced) reportThrow(onWorkerReplaced, 'an onWorkerReplaced hook threw');
      },
      onRetired: () => this.#retired++,
      onBroken: (cause) => this.#break(cause),
      onStarted: () => this.#settleStart('started'),
    });
  }

  /**
   * Resolves once each of the pool's first `maxWorkers` workers is up — started, and its
   * `initializer` (if any) finished — as poolifier's `ready` event says a pool's workers are:
   * what a service awaits before it takes requests, so none of them waits for a worker still
   * booting. (Tasks submitted earlier are not lost: they wait for a worker.) Rejects with
   * `ERR_EXECUTOR_BROKEN` if the pool breaks first (the initializer failed, or a worker died
   * in it: see `initializer`), and with `ERR_EXECUTOR_SHUTDOWN` if the executor is shut down
   * first. It settles once, for the start: once started it resolves at once, even after a later
   * break or shutdown (`submit` says those). While somebody waits, the executor holds the event
   * loop (idle workers do not, see the README), so `await executor.ready()` in a script does
   * not end it; nothing is left once it settles.
   */
  ready(): Promise<void> {
    if (this.#startState === 'started') return Promise.resolve();
    if (this.#startState !== 'starting') return Promise.reject(this.#startError(this.#startState));
    if (!this.#readiness) {
      let settle!: (error?: Error) => void;
      const promise = new Promise<void>((resolve, reject) => {
        // A pool's child processes hold the loop only while a task needs them: with nothing
        // else, a script awaiting this promise ended before its pool was up, having printed
        // nothing (a test's script, on processes). A timer that never fires holds the loop
        // instead, cleared as the start settles, so nothing outlives it.
        const hold = setInterval(() => undefined, MAX_TIMER_MS);
        settle = (error) => {
          clearInterval(hold);
          if (error) reject(error);
          else resolve();
        };
      });
      this.#readiness = { promise, settle };
    }
    return this.#readiness.promise;
  }

  /**
   * Schedules `name(argument)` on a worker and returns its future at once. Throws
   * `ERR_EXECUTOR_SHUTDOWN` after shutdown and `ERR_EXECUTOR_QUEUE_FULL` when the queue is full.
   */
  submit<R = unknown>(argument?: unknown, options?: SubmitOptions): Future<R> {
    const checked = optionsObject(options);
    return this.#submit({ n: this.#taskName(checked), a: argument }, checked) as Future<R>;
  }

  /** Like `submit`, but waits for room in the queue instead of refusing (backpressure). */
  submitWhenReady<R = unknown>(argument?: unknown, options?: SubmitOptions): Promise<Future<R>> {
    let checked: SubmitOptions;
    let name: string;
    try {
      checked = optionsObject(options);
      name = this.#taskName(checked);
    } catch (error) {
      return Promise.reject(error); // a promise-returning method rejects, never throws
    }
    return this.#submitWhenReady({ n: name, a: argument }, checked) as Promise<Future<R>>;
  }

  /**
   * Python's `Executor.map`: calls the function on every item and yields the results in input
   * order. `chunksize` sends several items per task (fewer round trips: see the bench), and
   * submission follows consumption, so a huge or endless input never floods the queue.
   */
  map<R = unknown>(
    items: Iterable<unknown> | AsyncIterable<unknown>,
    options?: MapOptions,
  ): AsyncGenerator<R, void, undefined> {
    const checked = optionsObject(options);
    iterableArgument('items', items, true);
    const source: MapSource = {
      name: this.#taskName(checked),
      maxWorkers: this.maxWorkers,
      hasRoom: () => this.#hasRoom(),
      submit: (request, signal) => this.#submit(request, signal ? { signal } : {}),
      submitWhenReady: (request, signal, giveUp) =>
        this.#submitWhenReady(request, signal ? { signal } : {}, giveUp),
    };
    return mapInOrder<R>(source, items, checked);
  }

  /**
   * No new tasks from now on. Queued tasks still run unless `cancelFutures`; with `wait` the
   * promise resolves once all are done and the workers have exited. Calling it again is safe.
   */
  shutdown(options?: ShutdownOptions): Promise<void> {
    let wait: boolean;
    let cancelFutures: boolean;
    try {
      const checked = optionsObject(options);
      wait = booleanOption('wait', checked.wait, true);
      cancelFutures = booleanOption('cancelFutures', checked.cancelFutures, false);
    } catch (error) {
      return Promise.reject(error); // a promise-returning method rejects, never throws
    }
    const first = !this.#shutdown;
    if (first) {
      this.#shutdown = true;
      // #break shuts down once it has set #brokenBy: a broken pool's start ended broken.
      this.#settleStart(this.#brokenBy ? 'broken' : 'shutdown');
      // Refused before any cancel below frees room: a waiter admitted then would queue a task
      // that no cancel reaches, and that a terminated pool could never run.
      for (const waiter of this.#waiters.splice(0)) waiter.refuse(new ShutdownError());
      this.#pool.drain();
    }
    if (cancelFutures) for (const future of [...this.#queue]) future.cancel();
    if (first) {
      const drained =
        this.#running === 0 && this.#queue.size === 0
          ? Promise.resolve()
          : new Promise<void>((resolve) => (this.#drained = resolve));
      this.#closed = drained.then(() => this.#pool.destroy());
      // With `wait: false` nobody may ever await it; the rejection (if any) is still observed.
      this.#closed.catch(() => undefined);
    }
    return wait ? (this.#closed as Promise<void>) : Promise.resolve();
  }

  /**
   * Python 3.14's `terminate_workers()`: shuts down with `cancelFutures`, then ends every worker
   * — `SIGTERM` to a child process, `worker.terminate()` to a thread — and replaces none.
   * Running futures fail with `ERR_EXECUTOR_TERMINATED` at once, whether or not their worker
   * heeds the signal. A child's entry ignores SIGTERM (a signal to its whole process group is
   * its parent's to act on): only a task that listens for it sees it, and the child ends when
   * its channel closes, or by SIGKILL after a 2 s grace if stuck in synchronous code. Resolves
   * when the workers are gone (need not be awaited: Python returns at once).
   */
  terminateWorkers(): Promise<void> {
    return this.#forceShutdown('SIGTERM');
  }

  /**
   * Python 3.14's `kill_workers()`: `terminateWorkers()` with `SIGKILL`, which no child can handle.
   */
  killWorkers(): Promise<void> {
    return this.#forceShutdown('SIGKILL');
  }

  /** `await using executor = new ThreadPoolExecutor(...)`: shuts down and waits. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown({ wait: true });
  }

  get stats(): ExecutorStats {
    const workers = this.#pool.workers;
    // Handed to the pool but held there for a worker that is booting: waiting, not running.
    const waiting = Math.min(this.#pool.waiting, this.#running);
    const running = this.#running - waiting;
    return {
      workers,
      idle: Math.max(0, workers - running),
      running,
      queued: this.#queue.size + waiting,
      completed: this.#completed,
      failed: this.#failed,
      cancelled: this.#cancelled,
      crashed: this.#crashed,
      replaced: this.#replaced,
      retired: this.#retired,
    };
  }

  #forceShutdown(signal: TerminateSignal): Promise<void> {
    const closed = this.shutdown({ wait: true, cancelFutures: true });
    // The running tasks reject now; once they have settled, the shutdown destroys the pool.
    this.#pool.terminate(signal);
    return closed;
  }

  #taskName(options: { name?: string }): string {
    return nameOption('name', options.name, this.#name);
  }

  #hasRoom(): boolean {
    return this.#running < this.maxWorkers || this.#queue.size < this.maxQueue;
  }

  /** The submit options' signal, once they are checked: the same refusal however full the queue. */
  #checkedSignal(options: SubmitOptions): AbortSignal | undefined {
    const signal = signalOption(options.signal);
    if (options.transferList !== undefined && !Array.isArray(options.transferList)) {
      validate.fail('transferList', 'an array', options.transferList);
    }
    return signal;
  }

  #submit(request: TaskRequest, options: SubmitOptions): TaskFuture<unknown> {
    if (this.#brokenBy) throw this.#brokenError();
    if (this.#shutdown) throw new ShutdownError();
    const signal = this.#checkedSignal(options);
    const future = new TaskFuture<unknown>(request, options, this.#cancel);
    if (signal?.aborted) {
      future.cancelWith(signal.reason);
      return future;
    }
    if (!this.#hasRoom()) throw new QueueFullError(this.maxQueue);
    if (signal) {
      future.onAbort = () => future.cancelWith(signal.reason);
      signal.addEventListener('abort', future.onAbort, { once: true });
    }
    // Invariant: the queue holds tasks only while every worker is busy.
    if (this.#running < this.maxWorkers) this.#start(future);
    else this.#queue.add(future);
    return future;
  }

  /**
   * `giveUp` (map's deadline) withdraws the wait, rejecting with its reason, without being the
   * task's signal: a task submitted in time is not cancelled by it.
   */
  #submitWhenReady(
    request: TaskRequest,
    options: SubmitOptions,
    giveUp?: AbortSignal,
  ): Promise<TaskFuture<unknown>> {
    if (this.#brokenBy) return Promise.reject(this.#brokenError());
    if (this.#shutdown) return Promise.reject(new ShutdownError());
    let signal: AbortSignal | undefined;
    try {
      signal = this.#checkedSignal(options);
      if (this.#hasRoom() || signal?.aborted)
        return Promise.resolve(this.#submit(request, options));
    } catch (error) {
      return Promise.reject(error);
    }
    if (giveUp?.aborted) return Promise.reject(giveUp.reason);
    if (this.#waiters.length >= Math.max(1, this.maxQueue)) {
      return Promise.reject(new QueueFullError(this.maxQueue));
    }
    const watched = [signal, giveUp].filter((s) => s !== undefined);
    return new Promise((resolve, reject) => {
      const unwatch = (): void => {
        for (const s of watched) s.removeEventListener('abort', onAbort);
      };
      const onAbort = (event: Event): void => {
        unwatch();
        const index = this.#waiters.indexOf(waiter);
        if (index !== -1) this.#waiters.splice(index, 1);
        reject((event.target as AbortSignal).reason);
      };
      const waiter: SubmitWaiter = {
        admit: () => {
          unwatch();
          try {
            resolve(this.#submit(request, options));
          } catch (error) {
            reject(error);
          }
        },
        refuse: (error) => {
          unwatch();
          reject(error);
        },
      };
      for (const s of watched) s.addEventListener('abort', onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  #start(future: TaskFuture<unknown>): void {
    if (!future.setRunningOrNotifyCancel()) return;
    this.#running++;
    const controller = new AbortController();
    future.controller = controller;
    const request = future.request as TaskRequest;
    future.request = undefined; // the argument may be large: let it go once sent
    this.#pool
      .run(request, {
        signal: controller.signal,
        ...(future.transferList ? { transferList: future.transferList } : {}),
      })
      .then(
        (response) => this.#settle(future, response, undefined),
        (error: unknown) => this.#settle(future, undefined, error),
      );
  }

  #settle(future: TaskFuture<unknown>, response: TaskResponse | undefined, error: unknown): void {
    this.#running--;
    const initializerFailed = response?.ok === false && response.i === true;
    if (initializerFailed) this.#break(rebuildError(response.e));
    // The pool broke (it told us through onBroken already); the cause is the pool's.
    const broken = error instanceof BrokenExecutorError;
    if (broken) this.#break(error.cause instanceof Error ? error.cause : error);
    // The freed worker takes the next queued task, and a waiting submitWhenReady the room that
    // leaves, before this future's done-callbacks run: a task they submit queues behind both
    // (FIFO, as Python's work queue), instead of taking the free place and keeping older
    // submitters waiting for as long as callbacks resubmit.
    this.#fillWorkers();
    this.#admitWaiters();
    // An interrupted future is CANCELLED already; whatever its worker said last is dropped.
    if (!future.done()) {
      if (response?.ok) {
        this.#completed++;
        future.setResult(response.v);
      } else {
        this.#failed++;
        if (error instanceof WorkerCrashedError) this.#crashed++;
        future.setException(
          initializerFailed || broken
            ? this.#brokenError()
            : response
              ? rebuildError(response.e, response.v)
              : error,
        );
      }
    }
    this.#release(future);
    this.#dispatch();
  }

  /**
   * Python's broken pool: a worker could not come up (its initializer failed, or it died in
   * it), so every queued task fails with it, submits are refused from now on, and the executor
   * shuts down. Tasks the pool still held for a worker fail too (it rejects them); those already
   * running on other workers end as they end.
   */
  #break(cause: Error): void {
    if (this.#brokenBy) return;
    this.#brokenBy = cause;
    this.#settleStart('broken');
    // The state first, the futures last: their done-callbacks run inside setException and may
    // cancel or submit, which must meet a broken, shut-down executor with an empty queue.
    const queued = [...this.#queue];
    this.#queue.clear();
    for (const waiter of this.#waiters.splice(0)) waiter.refuse(this.#brokenError());
    this.shutdown({ wait: false }).catch(() => undefined);
    for (const future of queued) {
      this.#release(future);
      if (future.done()) continue; // cancelled by an earlier one's callback
      this.#failed++;
      future.setException(this.#brokenError());
    }
    const onBroken = this.#onBroken;
    if (onBroken) reportThrow(() => onBroken(cause), 'an onBroken hook threw');
  }

  /** The pool's start ended (`ready()`): the first outcome holds, later ones are dropped. */
  #settleStart(outcome: Exclude<StartState, 'starting'>): void {
    if (this.#startState !== 'starting') return;
    this.#startState = outcome;
    const readiness = this.#readiness;
    this.#readiness = undefined;
    readiness?.settle(outcome === 'started' ? undefined : this.#startError(outcome));
  }

  #startError(outcome: 'broken' | 'shutdown'): Error {
    return outcome === 'broken'
      ? this.#brokenError()
      : new ShutdownError('the executor was shut down before its workers were up');
  }

  #brokenError(): BrokenExecutorError {
    return new BrokenExecutorError(
      `a worker failed to start (${String(this.#brokenBy?.message)}): the executor is not usable any more`,
      { cause: this.#brokenBy },
    );
  }

  #onCancel(future: TaskFuture<unknown>, running: boolean): boolean {
    this.#cancelled++;
    if (running) {
      future.controller?.abort(new CancelledError('the running task was interrupted'));
      return true;
    }
    this.#queue.delete(future);
    this.#release(future);
    this.#dispatch();
    return true;
  }

  #release(future: TaskFuture<unknown>): void {
    future.request = undefined;
    future.controller = undefined;
    if (future.onAbort) future.signal?.removeEventListener('abort', future.onAbort);
    future.onAbort = undefined;
  }

  /** Starts queued tasks, oldest first, while a worker is free. */
  #fillWorkers(): void {
    while (this.#running < this.maxWorkers && this.#queue.size > 0) {
      const next = this.#queue.values().next().value as TaskFuture<unknown>;
      this.#queue.delete(next);
      this.#start(next);
    }
  }

  /** Lets waiting submitters in, oldest first, while there is room. */
  #admitWaiters(): void {
    while (this.#waiters.length > 0 && this.#hasRoom()) this.#waiters.shift()?.admit();
  }

  /** Fills free workers from the queue, then lets waiting submitters in while there is room. */
  #dispatch(): void {
    this.#fillWorkers();
    this.#admitWaiters();
    if (this.#shutdown && this.#running === 0 && this.#queue.size === 0) this.#drained?.();
  }
}

/**
 * `initializer` and `initargs`, checked: a name, and an argument that can be copied to a worker.
 */
function setupOption(options: ExecutorOptions): WorkerSetup | undefined {
  const { initializer, initargs } = options;
  if (initializer === undefined) {
    if (initargs !== undefined) {
      throw new InvalidArgumentError('Expected `initializer` with `initargs`, got no initializer');
    }
    return undefined;
  }
  const name = nameOption('initializer', initializer, '');
  try {
    // What a thread gets (a SharedArrayBuffer is shared); a process pool checks for its pipe.
    structuredClone(initargs);
  } catch (error) {
    throw new InvalidArgumentError(
      `Expected \`initargs\` to be copyable to a worker: ${(error as Error).message}`,
      { cause: error },
    );
  }
  return initargs === undefined ? { initializer: name } : { initializer: name, initargs };
}
