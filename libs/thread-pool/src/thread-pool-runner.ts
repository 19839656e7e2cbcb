import { rebuildError } from '@concurrency-lab/errors';
import {
  RUNNER_CLOSE_TIMEOUT_MS,
  type ProblemError,
  type RunOutcome,
  type WorkRunner,
} from '@concurrency-lab/service-kit';
import type { CpuTask, CpuTaskResult } from '@concurrency-lab/workloads';
import { Piscina, queueOptionsSymbol } from 'piscina';
import { performance } from 'node:perf_hooks';
import type { ResourceLimits, Worker } from 'node:worker_threads';
import { CANCEL_GRACE_MS, withCancelGrace } from './cancel-grace';
import type { PoolRequest, PoolResponse } from './pool-protocol';
import {
  PoolTask,
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
  /** Called when a thread died (crash, OOM, or terminated to cancel its task) and was replaced. */
  onThreadReplaced?(): void;
  /**
   * Called with a pool thread's `threadId` once that thread has stopped for good (its Worker
   * emitted 'exit'; not while the pool closes): the moment to recover what it may have held in
   * shared memory, e.g. `SharedMutex#recoverDeadThread(threadId)`. Unlike `onThreadReplaced`,
   * which piscina fires as soon as it *asks* a thread to terminate (a cancelled task's thread may
   * still be running then), this one comes only when the thread can run no more.
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
const CLOSE_MARGIN_MS = 250;

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

/** Why a task still in the runner's queue when close() began never ran. */
const DROPPED_BY_CLOSE = 'the pool closed before a thread took this task';

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
 * the head of that queue (9,8,…,0).
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
   */
  readonly #ready = new Set<number>();

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
      loadBalancer: (task, threads) => {
        const idle = threads.find((thread) => thread.currentUsage === 0 && this.#isIdle(thread.id));
        if (!idle) return null;
        this.#handedOver(task[queueOptionsSymbol], idle.id);
        return idle;
      },
    });
    // piscina counts the pool's first threads as ready from the start, and says so only a
    // microtask later: a task submitted before that goes to one of them, as piscina would send it.
    for (const worker of this.#pool.threads) this.#ready.add(worker.threadId);
    this.#pool.on('workerCreate', (thread: { id: number }) => {
      this.#readied(thread.id);
      // A microtask later: piscina says a new thread is ready before it moves it to the ready
      // threads it offers a task to (its own ready listener comes after its 'workerCreate').
      queueMicrotask(() => this.#dispatch());
    });
    this.#pool.on('workerDestroy', () => {
      if (this.#closed.signal.aborted) return;
      this.#replaced++;
      this.#options.onThreadReplaced?.();
    });
    if (options.onThreadExited) this.#pool.on('workerCreate', () => this.#watchThreads());
    // piscina reports failures it cannot attribute to a task here; without a listener the
    // 'error' event would throw and take the whole process down.
    this.#pool.on('error', () => undefined);
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
        const problem = poolTaskProblem(error, 'thread');
        // The task's own error: coded (kept), or uncoded and answered by a thread that lives on
        // (500 ERR_WORKER_CRASHED for this request, as procpool answers it, but no crash counted).
        if (problem === error || answered) throw problem;
        // Its thread died under it, close() terminated it once closeTimeoutMs had passed, or
        // close() dropped it from the queue (no thread: a wait and no run).
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
      if (this.#closed.signal.aborted) return reject(new Error(DROPPED_BY_CLOSE));
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
   * more into piscina's rotating queue.
   */
  #dispatch(): void {
    if (this.#closed.signal.aborted) return;
    while (this.#waiting.size > 0 && this.#hasIdleThread()) {
      const next = this.#waiting.values().next().value as Waiting;
      this.#waiting.delete(next);
      next.send();
      if (next.handOver.at === undefined && !next.handOver.settled) return;
    }
  }

  /** A thread of the pool (not one piscina let go) is ready and runs none of the runner's tasks. */
  #hasIdleThread(): boolean {
    for (const worker of this.#pool.threads) if (this.#isIdle(worker.threadId)) return true;
    return false;
  }

  #isIdle(threadId: number): boolean {
    return this.#ready.has(threadId) && !this.#busy.has(threadId);
  }

  /** A thread is ready; the ids of threads no longer in the pool are let go (never reused). */
  #readied(threadId: number): void {
    const live = new Set(this.#pool.threads.map((worker) => worker.threadId));
    for (const id of this.#ready) if (!live.has(id)) this.#ready.delete(id);
    this.#ready.add(threadId);
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
    for (const waiting of dropped) waiting.drop(new Error(DROPPED_BY_CLOSE));
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
