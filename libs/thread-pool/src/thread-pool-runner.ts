import { rebuildError } from '@concurrency-lab/errors';
import {
  ProblemError,
  RUNNER_CLOSE_TIMEOUT_MS,
  type RunOutcome,
  type WorkRunner,
} from '@concurrency-lab/service-kit';
import type { CpuTask, CpuTaskResult } from '@concurrency-lab/workloads';
import { Piscina, queueOptionsSymbol } from 'piscina';
import { performance } from 'node:perf_hooks';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { CANCEL_GRACE_MS, withCancelGrace } from './cancel-grace';
import { PoolClosedBeforeReadyError, PoolStartError } from './errors';
import type { PoolRequest, PoolResponse } from './pool-protocol';
import {
  PoolTask,
  poolClosedBeforeRun,
  poolClosing,
  poolQueueFull,
  poolTaskProblem,
  type PoolRunnerStats,
} from './pool-task';

export interface ThreadPoolOptions {
  /** The worker entry file (built JS). */
  filename: string;
  /** Threads in the pool, kept alive (min = max). */
  workers: number;
  /** Tasks that may wait for a thread; one more is refused with 503 `ERR_OVERLOADED`. */
  maxQueue: number;
  workerData?: unknown;
  /**
   * Per-thread V8 limits: a task that blows them kills only its own thread (and request).
   * @default { maxOldGenerationSizeMb: 256 }
   */
  resourceLimits?: ResourceLimits;
  /**
   * Called with each task's wait for a thread and run on it (seconds), for metrics: a task that
   * succeeded or failed where it ran (the thread measured both), and one cancelled or lost on its
   * thread (waited until piscina handed it over, ran until it ended). A task that never reached
   * a thread (cancelled in the queue, dropped by close()) has a wait and no run (`undefined`).
   */
  onTaskTiming?: (waitSeconds: number, runSeconds?: number) => void;
  /**
   * Called when a thread that died (crash, OOM, or terminated to cancel its task) has been
   * replaced: when its replacement is ready. A replacement that fails its boot replaced nothing
   * and is not counted; the thread started after it, once ready, is.
   */
  onThreadReplaced?(): void;
  /**
   * Called with a pool thread's `threadId` once that thread has stopped for good (its Worker
   * emitted 'exit'; not while the pool closes): the moment to recover what it may have held in
   * shared memory, e.g. `SharedMutex#recoverDeadThread(threadId)`. A cancelled task's thread may
   * still be running when piscina asks it to terminate (and starts its replacement); this comes
   * only when the thread can run no more.
   */
  onThreadExited?(threadId: number): void;
  /**
   * At most how long `close()` lets tasks already on a thread run on before it terminates their
   * threads; they then reject with 503 `ERR_SHUTTING_DOWN`. A task that never ends — a share
   * blocked on a lock a terminated thread left wedged — would otherwise hold close() for
   * piscina's own default, 30 s. At most: piscina 5.3.2's close stops waiting when the first of
   * several busy threads is done (it counts that thread once per listener it registered, threads
   * + 1) and terminates the others then — harmless after the service's drain, when nobody waits
   * for them.
   * @default RUNNER_CLOSE_TIMEOUT_MS
   */
  closeTimeoutMs?: number;
  /**
   * How long a task already on a thread may run on after its request's signal aborted before
   * its thread is terminated (see `withCancelGrace`): the request is answered at once either
   * way. 0 terminates at once.
   * @default CANCEL_GRACE_MS
   */
  cancelGraceMs?: number;
}

export interface ThreadPoolStats extends PoolRunnerStats {
  /** piscina's utilization: share of the pool's capacity used since start (0..1). */
  utilization: number;
}

type PoolSuccess = Extract<PoolResponse, { ok: true }>;

/**
 * How long past `closeTimeoutMs` close() waits for piscina's close before it stops the threads
 * itself: piscina's close never settles once a thread it waits for was terminated under it (a
 * task cancelled after close() began), and its own timeout timer does not hold the process.
 */
export const CLOSE_MARGIN_MS = 250;

/**
 * One task's mark, which piscina's load balancer sees (`queueOptionsSymbol`, a symbol key:
 * never cloned to the thread): when piscina handed the task to a thread, and which. piscina's
 * `queueSize` cannot say — it subtracts the threads still starting (a replacement), so a task
 * waiting for one reads as running — hence the runner counts its queue itself.
 */
interface HandOver {
  /** Epoch ms when piscina gave the task to a thread; undefined while it waits. */
  at: number | undefined;
  /** The thread piscina gave it to (`threadId`): busy with it until the task settles. */
  thread: number | undefined;
  /** The task's promise settled: a balancer call after that must not count it. */
  settled: boolean;
}

/** A task in the runner's own queue, not yet handed to piscina. */
interface Waiting {
  readonly handOver: HandOver;
  /** Hands it to piscina now (synchronously: piscina's balancer runs before this returns). */
  send(): void;
  /** Fails it without running it (close() began). */
  drop(error: Error): void;
}

/**
 * Why a task never ran: it was still in the runner's queue when close() began, or came after.
 * (A class of its own, so that the task's end tells it from a thread lost under a task.)
 */
class DroppedByClose extends Error {
  constructor() {
    super('the pool closed before a thread took this task');
  }
}

/**
 * Why a task never ran: it waited while the pool's threads failed their boot, and no thread was
 * left alive or starting to take it (see `ThreadPoolRunner#bootFailed`).
 */
class NoThreadStarted extends Error {
  constructor(cause: unknown) {
    super(
      `no worker thread could start for this task` +
        (cause instanceof Error ? `: ${cause.message}` : ''),
      { cause },
    );
  }
}

/**
 * The message piscina 5.3.2's own worker script posts on the thread's port once it has loaded
 * the task module (`READY` in piscina's common.js, not exported): for a replacement, the message
 * on which piscina marks it ready and emits 'workerCreate'.
 */
const PISCINA_READY = '_WORKER_READY';

const isReadyMessage = (message: unknown): boolean =>
  typeof message === 'object' && message !== null && PISCINA_READY in message;

/**
 * What the runner hands piscina to make it start a thread (see `#grow`): it carries no hand-over
 * mark, so the balancer never places it, and its signal aborts at once, so it never waits there.
 */
const GROW_PROBE = {} as PoolRequest;

const now = () => performance.timeOrigin + performance.now();

/**
 * The `WorkRunner` of the threads model and of each hybrid process: piscina does the pooling;
 * this class adds what the contract needs on top — a bounded FIFO queue of its own (a 503 when
 * full; tasks start in the order they came), cancellation by the request's signal (queued tasks
 * leave the queue, a running task's thread is terminated and replaced unless the task ends
 * within its grace, `cancelGraceMs`), crashes confined to their own request, coded errors
 * carried across the thread boundary, and zero-copy image buffers.
 *
 * The queue is the runner's, not piscina's: piscina is handed a task only when a ready thread is
 * idle, and never holds one waiting. Every task the runner sends carries an AbortSignal, and
 * piscina 5.3.2 keeps such a task, when no thread takes it, in its `skipQueue`; when a thread
 * freed, it gave that thread the head, tried the next, could not place it and pushed it to the
 * tail — one rotation per freed thread. One thread busy and tasks 0..9 waiting ran
 * 0,2,4,6,8,1,5,9,7,3, and a steady queue of 20 fib(24) on one thread waited 238–398 ms at p99
 * where procpool's FIFO executor waited 29–49 under the same load; with the runner's own queue,
 * 41–43 ms (2026-12-05). `stricterFIFO: true` is no cure: piscina then puts each new arrival at
 * the head of that queue (9,8,…,0). A pool short of threads, with tasks waiting, is made to grow
 * without a task (`#grow`), and a thread is ready only once it has loaded its module, the
 * pool's first ones too: `ready()` says when all are.
 */
export class ThreadPoolRunner implements WorkRunner {
  readonly workers: number;
  readonly #pool: Piscina<PoolRequest, PoolResponse>;
  readonly #options: ThreadPoolOptions;
  #inFlight = 0;
  #completed = 0;
  #cancelled = 0;
  #failed = 0;
  #crashed = 0;
  #replaced = 0;
  /**
   * Tasks submitted and not yet handed to a thread (see `HandOver`): those in `#waiting`, and
   * one piscina could not place at once (see `#dispatch`), until a thread takes it.
   */
  #queued = 0;
  /**
   * The runner's queue, oldest first (a Set keeps insertion order, and a task that leaves it —
   * cancelled — is deleted in O(1), as in procpool's executor).
   */
  readonly #waiting = new Set<Waiting>();
  /**
   * The `threadId`s of the threads running one of the runner's tasks: from the moment the
   * balancer picks one until that task's promise settles. piscina frees a thread before it
   * settles the task's promise, so this set never calls a thread idle that piscina calls busy.
   */
  readonly #busy = new Set<number>();
  /**
   * Aborted as close() begins (the runner's one closing flag): tasks in their cancel grace are
   * stopped then, not waited for.
   */
  readonly #closed = new AbortController();
  readonly #watched = new WeakSet<Worker>();
  /**
   * The `threadId`s of the threads piscina has said are ready ('workerCreate' comes with a
   * thread's ready message): a task is handed to piscina only when one of them is idle, and the
   * balancer picks only among them. Until 2026-12-03 a task could go to a replacement still
   * loading its module (piscina offered its queue to every thread, those starting too, when one
   * became ready or free): it waited for the boot — 60 ms, or however long a slow boot takes —
   * while a ready thread could sit idle, counted as running all the while, and cancelling it
   * terminated the starting thread. Until a thread is ready for it, a task stays in the queue.
   * The pool's first threads, which piscina counts as ready from the start, only since
   * 2026-12-05 (see `#firstThreads`).
   */
  readonly #ready = new Set<number>();
  /**
   * The `threadId`s of the threads the pool started with. piscina counts them ready from the
   * start and emits their 'workerCreate' a microtask after it made them, before they have loaded
   * anything: for them, the runner waits for the ready message they post themselves.
   */
  readonly #firstThreads = new Set<number>();
  /** The pool threads the runner follows from their start (see `#track`). */
  readonly #followed = new WeakSet<Worker>();
  /** The `threadId`s of the followed threads that have not said they are ready yet. */
  readonly #unready = new Set<number>();
  /** `ready()`'s promise, settled once: the pool is up, or cannot start. */
  readonly #started: Promise<void>;
  #startSettled = false;
  #settleStart!: (error?: Error) => void;
  /** The last failure piscina reported (a thread that failed its boot), for `#bootFailed`. */
  #lastError: unknown;

  constructor(options: ThreadPoolOptions) {
    this.#options = options;
    this.workers = options.workers;
    this.#pool = new Piscina<PoolRequest, PoolResponse>({
      filename: options.filename,
      minThreads: options.workers,
      maxThreads: options.workers,
      maxQueue: options.maxQueue,
      idleTimeout: 60_000,
      closeTimeout: options.closeTimeoutMs ?? RUNNER_CLOSE_TIMEOUT_MS,
      workerData: options.workerData,
      resourceLimits: options.resourceLimits ?? { maxOldGenerationSizeMb: 256 },
      // The environment as this thread sees it (Node would copy the process's own): the
      // threads read their switches from it — FAULT_INJECTION_POOL_CRASH_FIB_N — and a test
      // sets them where it runs.
      env: { ...process.env },
      // piscina's own choice for one task per thread (its LeastBusyBalancer: the first idle
      // thread), among the threads that are ready and not the runner's busy ones (see
      // `#isIdle`), and the moment a task leaves the queue.
      // A task without the runner's mark (`GROW_PROBE`) is never placed.
      loadBalancer: (task, threads) => {
        const mark = task[queueOptionsSymbol];
        if (!mark) return null;
        const idle = threads.find((thread) => thread.currentUsage === 0 && this.#isIdle(thread.id));
        if (!idle) return null;
        this.#handedOver(mark, idle.id);
        return idle;
      },
    });
    this.#started = new Promise<void>((resolve, reject) => {
      this.#settleStart = (error) => {
        if (this.#startSettled) return;
        this.#startSettled = true;
        if (error) reject(error);
        else resolve();
      };
    });
    // Nobody need ask: a pool that cannot start also fails the tasks it is given.
    this.#started.catch(() => undefined);
    // piscina counts the pool's first threads as ready from the start: a task handed to one then
    // waited for its boot (66 ms for the real worker), counted as running, and cancelling it
    // terminated the thread still loading. They are ready for the runner once they say so,
    // with the message on which piscina marks a replacement ready. Listened to before this
    // constructor returns: the message cannot have come yet.
    for (const worker of this.#pool.threads) {
      const { threadId } = worker;
      this.#firstThreads.add(threadId);
      const onMessage = (message: unknown) => {
        if (!isReadyMessage(message)) return;
        worker.off('message', onMessage);
        // piscina's own listener came first: it has nothing left to do for a first thread.
        this.#readied(threadId);
        this.#dispatch();
      };
      worker.on('message', onMessage);
    }
    this.#track();
    this.#pool.on('workerCreate', (thread: { id: number }) => {
      // A first thread's 'workerCreate' says nothing yet (see above).
      if (this.#firstThreads.has(thread.id)) return;
      this.#track();
      // Any later thread replaces one that died: the pool's size is fixed. Counted only now,
      // when it is ready — a replacement that fails its boot replaced nothing.
      if (!this.#closed.signal.aborted) {
        this.#replaced++;
        this.#options.onThreadReplaced?.();
      }
      this.#readied(thread.id);
      // A microtask later: piscina says a new thread is ready before it moves it to the ready
      // threads it offers a task to (its own ready listener comes after its 'workerCreate').
      queueMicrotask(() => this.#dispatch());
    });
    this.#pool.on('workerDestroy', () => {
      if (this.#closed.signal.aborted) return;
      // A microtask later, piscina has started the thread's replacement, if it starts one.
      queueMicrotask(() => this.#track());
    });
    if (options.onThreadExited) this.#pool.on('workerCreate', () => this.#watchThreads());
    // piscina reports failures it cannot attribute to a task here (a thread that failed its
    // boot); without a listener the 'error' event would throw and take the whole process down.
    this.#pool.on('error', (error: unknown) => {
      this.#lastError = error;
    });
  }

  /**
   * Resolves once all `workers` threads have loaded their module and can take a task at once;
   * rejects if the pool cannot start: a thread failed its boot and piscina started no other in
   * its place (it stops replacing threads after a failed boot), or close() came first. A
   * service awaits it before it listens, so its readiness never says 200 before a task can run.
   */
  ready(): Promise<void> {
    return this.#started;
  }

  /**
   * `ready()`, and if the pool cannot start, the pool closed before the error is rethrown: what
   * a service awaits before it listens, so a start that fails leaves no thread behind.
   */
  async readyOrClose(): Promise<void> {
    try {
      await this.#started;
    } catch (error) {
      await this.close();
      throw error;
    }
  }

  /**
   * Follows each pool thread from its start: one that ends before it said it was ready failed
   * its boot (`#bootFailed`). Called wherever a thread may have been started (the constructor,
   * `#grow`, a microtask after piscina let one go and maybe replaced it, 'workerCreate'), always
   * within the turn that started it: its end cannot have come yet.
   */
  #track(): void {
    for (const worker of this.#pool.threads) {
      if (this.#followed.has(worker)) continue;
      this.#followed.add(worker);
      const { threadId } = worker;
      if (!this.#ready.has(threadId)) this.#unready.add(threadId);
      worker.once('exit', () => {
        if (this.#unready.delete(threadId) && !this.#closed.signal.aborted) this.#bootFailed();
      });
    }
  }

  /**
   * A thread ended before it was ready: it failed its boot, and from then on piscina replaces
   * no thread (it replaced a first thread, which it counted ready, once). While the pool
   * starts, a thread so lost and not replaced is a pool that cannot start: `ready()` rejects.
   * And tasks waiting with no thread left alive or starting would wait for their deadline (the
   * runner hands piscina no task before a thread is ready): they fail now with 500
   * `ERR_WORKER_CRASHED`, as a task given to a thread that failed its boot did before
   * (2026-12-05); the next task to come makes the pool grow again (`#grow`), as bare piscina
   * grows on its next `run()`. Seen when a lib's `dist` the worker loads was being rebuilt.
   */
  #bootFailed(): void {
    this.#track(); // the thread piscina started in its place, if it did
    const cause = this.#lastError;
    this.#lastError = undefined;
    if (this.#pool.threads.length < this.workers) {
      this.#settleStart(
        new PoolStartError(
          `The thread pool could not start: a thread failed to start and was not replaced` +
            (cause instanceof Error ? ` (${cause.message})` : ''),
          { cause },
        ),
      );
    }
    if (this.#pool.threads.length > 0 || this.#waiting.size === 0) return;
    const stranded = [...this.#waiting];
    this.#waiting.clear();
    for (const waiting of stranded) waiting.drop(new NoThreadStarted(cause));
  }

  /** Sends one request to a pool thread; coded errors come back as errors with that code. */
  async request(
    request: PoolRequest,
    signal: AbortSignal,
    transferList?: ArrayBuffer[],
  ): Promise<PoolSuccess> {
    // The bound of the runner's own queue. (piscina's `maxQueue` never applies now that piscina
    // holds no waiting task; it added its idle capacity and the threads still starting to the
    // limit, which then depended on how many threads happened to be free.)
    if (this.#queued >= this.#options.maxQueue) throw this.#queueFull();
    this.#inFlight++;
    this.#queued++;
    const handOver: HandOver = { at: undefined, thread: undefined, settled: false };
    // The thread answered, with an error: it lives on, so the failure is the task's, not a crash.
    let answered = false;
    const onTaskTiming = this.#options.onTaskTiming;
    const task = new PoolTask(request.op === 'cpu' ? request.task.kind : 'increment', {
      submittedAt: request.submittedAt,
      onTaskTiming,
      onTaskWait: onTaskTiming && ((waitSeconds) => onTaskTiming(waitSeconds)),
    });
    const sent: PoolRequest & { [queueOptionsSymbol]: HandOver } = {
      ...request,
      trace: task.trace,
      [queueOptionsSymbol]: handOver,
    };
    const grace = {
      graceMs: this.#options.cancelGraceMs ?? CANCEL_GRACE_MS,
      running: () => handOver.at !== undefined,
      cutShort: this.#closed.signal,
    };
    // The request is answered as soon as its signal aborts; what follows runs to the task's real
    // end, so the figures below count a thread busy until it is free again, and a task that
    // ended within its grace as what it was: completed (or failed), its thread kept.
    return withCancelGrace(signal, grace, async (poolSignal) => {
      try {
        const response = await this.#enqueue(sent, handOver, poolSignal, transferList ?? []);
        if (!response.ok) {
          const failure = rebuildError(response.error);
          const { code } = response.error;
          task.failed(response, {
            message: failure.message,
            code: typeof code === 'string' ? code : undefined,
          });
          answered = true;
          throw failure;
        }
        task.succeeded(response);
        this.#completed++;
        return response;
      } catch (error) {
        if (signal.aborted) {
          this.#cancelled++;
          if (!answered) task.ended('cancelled', undefined, handOver.at);
          throw signal.reason;
        }
        this.#failed++;
        // Refused before it reached a thread: dropped from the queue by close(), or come after
        // it (or, should piscina have held it, dropped by piscina's own close). No thread
        // failed under it: no crash, and a detail that says it never ran.
        if (
          error instanceof DroppedByClose ||
          (this.#closed.signal.aborted && handOver.at === undefined)
        ) {
          task.ended('refused');
          throw poolClosedBeforeRun('thread');
        }
        // No thread could start for it (see `#bootFailed`): none failed under it either.
        if (error instanceof NoThreadStarted) {
          const problem = new ProblemError(
            'ERR_WORKER_CRASHED',
            `No worker thread could start to run this task: ${error.message}`,
            { cause: error.cause },
          );
          task.ended('crashed', problem);
          throw problem;
        }
        const problem = poolTaskProblem(error, 'thread');
        // The task's own error: coded (kept), or uncoded and answered by a thread that lives on
        // (500 ERR_WORKER_CRASHED for this request, as procpool answers it, but no crash counted).
        if (problem === error || answered) throw problem;
        // Its thread died under it, or close() terminated it once closeTimeoutMs had passed.
        task.ended('crashed', problem, handOver.at);
        if (this.#closed.signal.aborted) throw poolClosing('thread');
        this.#crashed++;
        throw problem;
      } finally {
        this.#inFlight--;
        if (handOver.at === undefined) this.#queued--;
        handOver.settled = true;
        // Its thread is free (piscina freed it before it settled the task), or gone: the next
        // waiting task may have it.
        if (handOver.thread !== undefined) this.#busy.delete(handOver.thread);
        this.#dispatch();
      }
    });
  }

  /**
   * Puts a task at the tail of the runner's queue; it goes to piscina when it reaches the head
   * and a ready thread is idle (`#dispatch`). Its signal aborting while it waits takes it out
   * (it never runs); once with piscina, the signal is piscina's to act on.
   */
  #enqueue(
    sent: PoolRequest,
    handOver: HandOver,
    signal: AbortSignal,
    transferList: ArrayBuffer[],
  ): Promise<PoolResponse> {
    return new Promise<PoolResponse>((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason as Error);
      if (this.#closed.signal.aborted) return reject(new DroppedByClose());
      const leave = () => {
        this.#waiting.delete(waiting);
        reject(signal.reason as Error);
      };
      const waiting: Waiting = {
        handOver,
        send: () => {
          signal.removeEventListener('abort', leave);
          resolve(this.#pool.run(sent, { signal, transferList }));
        },
        drop: (error) => {
          signal.removeEventListener('abort', leave);
          reject(error);
        },
      };
      signal.addEventListener('abort', leave, { once: true });
      this.#waiting.add(waiting);
      this.#dispatch();
    });
  }

  /**
   * Hands waiting tasks to piscina, oldest first, while a ready thread is idle: called as a task
   * arrives, as one settles (its thread is free, or replaced) and as a thread becomes ready.
   * Should piscina not place a task it was handed (the runner's view of the threads wrong), it
   * keeps it and gives it to the next thread it frees; the runner stops there rather than pile
   * more into piscina's rotating queue. Tasks still waiting then, in a pool short of threads,
   * make it grow (`#grow`).
   */
  #dispatch(): void {
    if (this.#closed.signal.aborted) return;
    while (this.#waiting.size > 0 && this.#hasIdleThread()) {
      const next = this.#waiting.values().next().value as Waiting;
      this.#waiting.delete(next);
      next.send();
      if (next.handOver.at === undefined && !next.handOver.settled) return;
    }
    if (this.#waiting.size > 0) this.#grow();
  }

  /**
   * Starts threads up to `workers` while tasks wait. piscina replaces a thread that dies only
   * until one of its threads fails its boot (`workerFailsDuringBootstrap`: never again after);
   * from then on it grows only in `run()`, when it cannot place the task and has fewer threads
   * than its maximum. The runner hands piscina a task only when a ready thread is idle, so
   * after such a boot failure its pool stayed short for good: 1 thread of 2, or none of 1 and
   * every task waiting until its deadline (504) while /readyz said 200. So, as bare piscina
   * does for a task it cannot place, a pool with tasks waiting and fewer threads alive or
   * starting than `workers` is handed `GROW_PROBE`: not placed, piscina starts a thread, and
   * the probe's signal, aborted at once, takes it out of piscina's queue. The tasks stay in the
   * runner's queue, in their order and under its bound, and the first goes to the new thread
   * when it is ready ('workerCreate'). A thread that fails its boot again is retried on the next
   * call, as bare piscina retries on its next `run()`, not in a loop.
   */
  #grow(): void {
    // Checked on every dispatch that leaves tasks waiting: nothing more when the pool is whole.
    let missing = this.workers - this.#pool.threads.length;
    if (missing <= 0) return;
    for (; missing > 0; missing--) {
      const probe = new AbortController();
      this.#pool.run(GROW_PROBE, { signal: probe.signal }).catch(() => undefined);
      probe.abort();
    }
    this.#track();
  }

  /** A thread of the pool (not one piscina let go) is ready and runs none of the runner's tasks. */
  #hasIdleThread(): boolean {
    for (const worker of this.#pool.threads) if (this.#isIdle(worker.threadId)) return true;
    return false;
  }

  #isIdle(threadId: number): boolean {
    return this.#ready.has(threadId) && !this.#busy.has(threadId);
  }

  /**
   * A thread is ready; the ids of threads no longer in the pool are let go (never reused). The
   * pool is up once `workers` of its threads are.
   */
  #readied(threadId: number): void {
    const live = new Set(this.#pool.threads.map((worker) => worker.threadId));
    for (const id of this.#ready) if (!live.has(id)) this.#ready.delete(id);
    this.#unready.delete(threadId);
    if (live.has(threadId)) this.#ready.add(threadId);
    if (this.#ready.size >= this.workers) this.#settleStart();
  }

  /** piscina gives a task to a thread: it leaves the queue, and the thread is busy with it. */
  #handedOver(mark: object | null, threadId: number): void {
    const handOver = mark as HandOver | null;
    if (!handOver || handOver.at !== undefined || handOver.settled) return;
    handOver.at = now();
    handOver.thread = threadId;
    this.#busy.add(threadId);
    this.#queued--;
  }

  /**
   * Follows each new pool thread to its real end. piscina's 'workerDestroy' passes no usable id
   * for a thread that already exited (Worker#threadId is -1 by then) and fires before a
   * terminated thread has stopped, so the id is taken while the thread lives and reported on
   * the Worker's own 'exit'.
   */
  #watchThreads(): void {
    for (const worker of this.#pool.threads) {
      if (this.#watched.has(worker)) continue;
      this.#watched.add(worker);
      const { threadId } = worker;
      worker.once('exit', () => {
        if (!this.#closed.signal.aborted) this.#options.onThreadExited?.(threadId);
      });
    }
  }

  #queueFull(): ProblemError {
    return poolQueueFull('thread', this.#options.maxQueue);
  }

  async run<T extends CpuTask>(
    task: T,
    { signal }: { signal: AbortSignal },
  ): Promise<RunOutcome<CpuTaskResult<T>>> {
    const submittedAt = now();
    let transferList: ArrayBuffer[] | undefined;
    let sent: CpuTask = task;
    if (task.kind === 'filter') {
      // Move the upload to the thread instead of copying it. A Buffer may be a view into a
      // shared pool slab; transferring that would detach memory other Buffers use, so only a
      // view that owns its whole ArrayBuffer is moved — anything else is copied once.
      const png =
        task.png.byteOffset === 0 && task.png.byteLength === task.png.buffer.byteLength
          ? task.png
          : new Uint8Array(task.png); // a copy (Buffer#slice would be another view)
      sent = { ...task, png };
      transferList = [png.buffer as ArrayBuffer];
    }
    const response = await this.request(
      { op: 'cpu', task: sent, submittedAt },
      signal,
      transferList,
    );
    return {
      result: response.result as CpuTaskResult<T>,
      queueMs: Math.max(0, response.startedAt - submittedAt),
      workMs: response.workMs,
      threadId: response.threadId,
    };
  }

  stats(): ThreadPoolStats {
    const queued = this.#queued;
    return {
      queued,
      running: Math.max(0, this.#inFlight - queued),
      size: this.#pool.threads.length,
      completed: this.#completed,
      cancelled: this.#cancelled,
      failed: this.#failed,
      crashed: this.#crashed,
      replaced: this.#replaced,
      utilization: this.#pool.utilization,
    };
  }

  /**
   * Queued tasks are dropped; running ones get at most `closeTimeoutMs` to finish. Always
   * settles: piscina's close waits for each thread it counted to report its task done, and a
   * thread terminated under it — a task whose signal aborted after close() began, as a drain's
   * cut connections do — never reports, while piscina's timeout timer is unref'd: the process
   * then simply ran out of work and exited 0 with close() pending. A timer of our own, ref'd,
   * keeps the process here (piscina's timeout then fires and ends its close) and, past a margin,
   * stops what is left itself.
   */
  async close(): Promise<void> {
    // Before piscina's close counts the busy threads: a thread terminated after it did is one
    // its close waits for in vain (see above).
    this.#closed.abort();
    // The queue is the runner's: its tasks never reach a thread now (503 ERR_SHUTTING_DOWN).
    const dropped = [...this.#waiting];
    this.#waiting.clear();
    for (const waiting of dropped) waiting.drop(new DroppedByClose());
    this.#settleStart(new PoolClosedBeforeReadyError());
    const limitMs = (this.#options.closeTimeoutMs ?? RUNNER_CLOSE_TIMEOUT_MS) + CLOSE_MARGIN_MS;
    let timer: NodeJS.Timeout | undefined;
    const overdue = new Promise<'overdue'>((resolve) => {
      timer = setTimeout(() => resolve('overdue'), limitMs);
    });
    try {
      const closed = this.#pool.close({ force: true }).then(() => 'closed' as const);
      if ((await Promise.race([closed, overdue])) === 'overdue') await this.#pool.destroy();
    } finally {
      clearTimeout(timer);
    }
  }
}
