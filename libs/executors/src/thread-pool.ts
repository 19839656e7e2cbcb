import type { TransferListItem } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { DataCloneError, WorkerCrashedError, WorkersTerminatedError } from './errors';
import { DATA_CLONE_TAG, type TaskRequest, type TaskResponse } from './task-protocol';
import { THREAD_ENTRY } from './worker-entries';
import type { RunOptions, WorkerPool, WorkerPoolSettings } from './worker-pool';

/**
 * Worker threads on piscina. piscina already does what an engine must: a thread that exits or
 * throws outside a task fails that task and is replaced (up to `minThreads`, which we set to
 * the pool size); an aborted signal terminates the thread running the task and replaces it.
 * What we add: its errors are plain `Error`s with English messages, so they get codes here.
 */
export class PiscinaWorkerPool implements WorkerPool {
  readonly #pool: Piscina<TaskRequest, TaskResponse>;
  #closing = false;
  #terminated = false;
  #destroyed: Promise<void> | undefined;

  constructor(settings: WorkerPoolSettings) {
    this.#pool = new Piscina({
      filename: THREAD_ENTRY,
      minThreads: settings.workers,
      maxThreads: settings.workers,
      // Threads are never idle-reaped below minThreads; this only bounds a surplus.
      idleTimeout: 60_000,
      workerData: { filename: settings.filename, setup: settings.setup },
    });
    this.#pool.on('workerDestroy', () => {
      if (!this.#closing) settings.onReplaced();
    });
    // Failures piscina cannot pin on a task (a thread dying between tasks) arrive here; without
    // a listener the 'error' event would throw and take the whole process down.
    this.#pool.on('error', () => undefined);
  }

  get workers(): number {
    return this.#pool.threads.length;
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
