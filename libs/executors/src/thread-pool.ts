import type { TransferListItem } from 'node:worker_threads';
import { Piscina } from 'piscina';
import {
  BrokenExecutorError,
  DataCloneError,
  WorkerCrashedError,
  WorkersTerminatedError,
} from './errors';
import {
  DATA_CLONE_TAG,
  rebuildError,
  WORKER_MESSAGE,
  workerMessage,
  type TaskRequest,
  type TaskResponse,
} from './task-protocol';
import { THREAD_ENTRY } from './worker-entries';
import type { RunOptions, WorkerPool, WorkerPoolSettings } from './worker-pool';

/** What we know of one of piscina's threads. */
interface ThreadState {
  /** It said `up`: its initializer (if any) finished. */
  up: boolean;
  /** piscina terminated it (an aborted task, the pool's end): not a death of its own. */
  terminated: boolean;
  /** One of the pool's first `workers` threads: the pool has started once each is up. */
  first: boolean;
}

/**
 * Worker threads on piscina. piscina runs the tasks, fails the task of a thread that exits or
 * throws, terminates the thread running an aborted task, and starts a replacement for a thread
 * it had marked ready (we set `minThreads` to the pool size).
 *
 * What piscina does not do, and we add:
 * - its errors are plain `Error`s with English messages: they get codes here;
 * - a thread that dies before it is up (in the executor's initializer) is not replaced for
 *   good: piscina marks threads started with the pool ready at once, replaces them, and a
 *   replacement that dies before its ready message sets its permanent
 *   `workerFailsDuringBootstrap` — from then on nothing is replaced and queued tasks wait
 *   forever. So each thread says `up` (after its initializer) on its port; one that exits
 *   before that, and was not terminated by piscina, breaks the pool (Python's
 *   `BrokenThreadPool`): `onBroken`, and a flag in shared memory tells every thread to refuse
 *   the tasks it has not started (`i`: the executor answers them `BrokenExecutorError`), so
 *   what waits in piscina's queue fails as soon as a thread takes it, and tasks already running
 *   finish. Once no thread is left to take them (piscina replaces none after a failed start),
 *   the pool is destroyed, which fails them. (piscina's `close({ force: true })` would fail its
 *   queue too, but its flush count can end the pool while two threads still run tasks.)
 *   `onReplaced` counts only threads that were up (piscina replaces those), never one that
 *   died starting.
 */
export class PiscinaWorkerPool implements WorkerPool {
  readonly #pool: Piscina<TaskRequest, TaskResponse>;
  readonly #settings: WorkerPoolSettings;
  /** Every thread seen alive, by its threadId (a Worker's own id reads -1 once it has exited). */
  readonly #threads = new Map<number, ThreadState>();
  #closing = false;
  #terminated = false;
  #brokenBy: Error | undefined;
  /**
   * Places among the pool's first threads not yet given to a thread (see #track): `workers` at
   * first, and one back for a first thread piscina terminated before it was up.
   */
  #firstPlaces: number;
  /** First threads that said `up`: the pool has started once all `workers` have. */
  #firstUps = 0;
  /** Shared with every thread: set to 1 when the pool breaks (see the class comment). */
  readonly #broken = new Int32Array(new SharedArrayBuffer(4));
  #destroyed: Promise<void> | undefined;

  constructor(settings: WorkerPoolSettings) {
    this.#settings = settings;
    this.#firstPlaces = settings.workers;
    this.#pool = new Piscina({
      filename: THREAD_ENTRY,
      minThreads: settings.workers,
      maxThreads: settings.workers,
      // Threads are never idle-reaped below minThreads; this only bounds a surplus.
      idleTimeout: 60_000,
      workerData: { filename: settings.filename, setup: settings.setup, broken: this.#broken },
    });
    this.#track();
    this.#pool.on('workerDestroy', (thread: { id: number }) => {
      // Still running (id known): piscina is terminating it, to abort a task or at the end.
      const state = this.#threads.get(thread.id);
      if (state) {
        state.terminated = true;
        // A first thread not up yet (piscina hands its first threads tasks before they are up,
        // and terminates one to abort its task): the start waits for its replacement instead.
        if (state.first && !state.up) {
          state.first = false;
          this.#firstPlaces++;
        }
      }
      // piscina starts the replacement right after this event: meet it.
      queueMicrotask(() => this.#track());
    });
    this.#pool.on('workerCreate', () => this.#track());
    // Failures piscina cannot pin on a task (a thread dying between tasks) arrive here; without
    // a listener the 'error' event would throw and take the whole process down.
    this.#pool.on('error', () => undefined);
  }

  get workers(): number {
    return this.#pool.threads.length;
  }

  get waiting(): number {
    return this.#pool.queueSize;
  }

  async run(request: TaskRequest, { signal, transferList }: RunOptions): Promise<TaskResponse> {
    try {
      return await this.#pool.run(request, {
        signal,
        ...(transferList ? { transferList: transferList as TransferListItem[] } : {}),
      });
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      // piscina fails a task whose thread destroy() terminates with a plain "Terminating
      // worker thread".
      if (this.#terminated) throw new WorkersTerminatedError(undefined, { cause: error });
      // The thread died starting, or piscina's queue was failed when the pool broke.
      if (this.#brokenBy) throw new BrokenExecutorError(undefined, { cause: this.#brokenBy });
      throw toCodedError(error);
    }
  }

  /** A thread has one way to end, whichever signal a process would get. */
  terminate(): void {
    this.#terminated = true;
    // Observed here; the executor awaits the same promise once nothing runs.
    this.destroy().catch(() => undefined);
  }

  drain(): void {
    // Threads are never retired (no `maxTasksPerChild`): nothing is started that a drain saves.
  }

  destroy(): Promise<void> {
    this.#closing = true;
    // piscina's destroy() terminates every thread and fails their tasks at once.
    this.#destroyed ??= this.#pool.destroy();
    return this.#destroyed;
  }

  /** Listens to the threads not seen yet: their `up` note and their exit. */
  #track(): void {
    for (const thread of this.#pool.threads) {
      const id = thread.threadId;
      if (id === -1 || this.#threads.has(id)) continue;
      // piscina starts its first threads in its constructor, where the first call meets them.
      const first = this.#firstPlaces > 0;
      if (first) this.#firstPlaces--;
      const state: ThreadState = { up: false, terminated: false, first };
      this.#threads.set(id, state);
      thread.on('message', (raw: unknown) => {
        const message = workerMessage(raw);
        if (message?.[WORKER_MESSAGE] === 'up') this.#onUp(state);
        else if (message && 'e' in message) this.#break(rebuildError(message.e));
      });
      // Node delivers what the thread posted before this event: `up` is known by now.
      thread.once('exit', (code: number) => this.#onExit(id, state, code));
    }
  }

  #onUp(state: ThreadState): void {
    state.up = true;
    if (!state.first || this.#closing || this.#brokenBy) return;
    if (++this.#firstUps === this.#settings.workers) this.#settings.onStarted();
  }

  #onExit(id: number, state: ThreadState, code: number): void {
    this.#threads.delete(id);
    if (this.#closing) return;
    if (this.#brokenBy) {
      // Nobody is left to take (and refuse) what waits in piscina's queue: destroying fails it.
      if (this.#pool.threads.length === 0) this.destroy().catch(() => undefined);
      return;
    }
    if (state.up || state.terminated) {
      this.#settings.onReplaced();
      return;
    }
    this.#break(new WorkerCrashedError({ kind: 'thread', exitCode: code, starting: true }));
  }

  #break(cause: Error): void {
    if (this.#brokenBy || this.#closing) return;
    this.#brokenBy = cause;
    Atomics.store(this.#broken, 0, 1);
    this.#settings.onBroken(cause);
    if (this.#pool.threads.length === 0) this.destroy().catch(() => undefined);
  }
}

/** piscina's "worker exited with code: N", or the error that killed the thread. */
function toCodedError(error: unknown): Error {
  const { name, message } = error as Error;
  if (name === 'DataCloneError' || String(message).startsWith(DATA_CLONE_TAG)) {
    return new DataCloneError(String(message).replace(DATA_CLONE_TAG, '').trim(), { cause: error });
  }
  const exited = /exited with code:? (-?\d+)/.exec(String(message));
  return new WorkerCrashedError(
    { kind: 'thread', ...(exited ? { exitCode: Number(exited[1]) } : {}) },
    { cause: error },
  );
}
