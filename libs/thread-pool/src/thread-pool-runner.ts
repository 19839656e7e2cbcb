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

const QUEUE_AT_LIMIT = 'Task queue is at limit';

/**
 * How long past `closeTimeoutMs` close() waits for piscina's close before it stops the threads
 * itself: piscina's close never settles once a thread it waits for was terminated under it (a
 * task cancelled after close() began), and its own timeout timer does not hold the process.
 */
const CLOSE_MARGIN_MS = 250;

/**
 * One task's mark, which piscina's load balancer sees (`queueOptionsSymbol`, a symbol key:
 * never cloned to the thread): when piscina handed the task to a thread. piscina's `queueSize`
 * cannot say — it subtracts the threads still starting (a replacement), so a task waiting for
 * one reads as running — hence the runner counts its queue itself.
 */
interface HandOver {
  /** Epoch ms when piscina gave the task to a thread; undefined while it waits. */
  at: number | undefined;
  /** The task's promise settled: a balancer call after that must not count it. */
  settled: boolean;
}

const now = () => performance.timeOrigin + performance.now();

/**
 * The `WorkRunner` of the threads model and of each hybrid process: piscina does the pooling;
 * this class adds what the contract needs on top — bounded queue as a 503, cancellation by the
 * request's signal (queued tasks leave the queue, a running task's thread is terminated and
 * replaced unless the task ends within its grace, `cancelGraceMs`), crashes confined to their
 * own request, coded errors carried across the thread boundary, and zero-copy image buffers.
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
  /** Tasks submitted and not yet handed to a thread (see `HandOver`). */
  #queued = 0;
  /**
   * Aborted as close() begins (the runner's one closing flag): tasks in their cancel grace are
   * stopped then, not waited for.
   */
  readonly #closed = new AbortController();
  readonly #watched = new WeakSet<Worker>();
  /**
   * The `threadId`s of the threads piscina has said are ready ('workerCreate' comes with a
   * thread's ready message). When a thread becomes ready or free, piscina offers its queued
   * tasks to every thread, those still starting too: a task handed to a replacement still
   * loading its module waited for it — 60 ms, or however long a slow boot takes — while a ready
   * thread could sit idle, counted as running all the while, and cancelling it terminated the
   * starting thread. Left out of the choice, the task stays in the queue until a thread is
   * ready for it.
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
      // thread), among the threads that are ready, and the moment a task leaves the queue.
      loadBalancer: (task, threads) => {
        const idle =
          threads.find((thread) => thread.currentUsage === 0 && this.#ready.has(thread.id)) ?? null;
        if (idle) this.#handedOver(task[queueOptionsSymbol]);
        return idle;
      },
    });
    // piscina counts the pool's first threads as ready from the start, and says so only a
    // microtask later: a task submitted before that goes to one of them, as piscina would send it.
    for (const worker of this.#pool.threads) this.#ready.add(worker.threadId);
    this.#pool.on('workerCreate', (thread: { id: number }) => this.#readied(thread.id));
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
    // Our own bound, checked before piscina's: piscina adds its idle capacity (and the threads
    // still starting) to `maxQueue`, which makes its limit depend on how many threads happen to
    // be free.
    if (this.#queued >= this.#options.maxQueue) throw this.#queueFull();
    this.#inFlight++;
    this.#queued++;
    const handOver: HandOver = { at: undefined, settled: false };
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
        const response = await this.#pool.run(sent, {
          signal: poolSignal,
          transferList: transferList ?? [],
        });
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
        if ((error as Error).message === QUEUE_AT_LIMIT) throw this.#queueFull();
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
      }
    });
  }

  /** A thread is ready; the ids of threads no longer in the pool are let go (never reused). */
  #readied(threadId: number): void {
    const live = new Set(this.#pool.threads.map((worker) => worker.threadId));
    for (const id of this.#ready) if (!live.has(id)) this.#ready.delete(id);
    this.#ready.add(threadId);
  }

  /** piscina gives a task to a thread: it leaves the queue. */
  #handedOver(mark: object | null): void {
    const handOver = mark as HandOver | null;
    if (!handOver || handOver.at !== undefined || handOver.settled) return;
    handOver.at = now();
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
