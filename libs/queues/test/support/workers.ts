import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

export const FIXTURES = join(__dirname, '..', 'fixtures');

/** A worker thread that must be gone when the test ends (jest must exit on its own). */
export function startWorker(file: string, workerData: unknown): Worker {
  const worker = new Worker(join(FIXTURES, file), { workerData });
  started.add(worker);
  worker.once('exit', () => started.delete(worker));
  return worker;
}

const started = new Set<Worker>();

/** Terminates every worker still running; call it in afterEach. */
export async function terminateWorkers(): Promise<void> {
  await Promise.all([...started].map((worker) => worker.terminate()));
  started.clear();
}

/** The next message the worker posts (rejects if it fails or exits first). */
export function nextMessage<T>(worker: Worker): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    const onMessage = (message: T) => {
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited (${code}) before answering`));
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}

/** Collects every message a worker posts, in order, and lets a test await the n-th. */
export class MessageLog<T> {
  readonly messages: T[] = [];
  readonly #waiters: { count: number; resolve: () => void }[] = [];

  constructor(worker: Worker) {
    worker.on('message', (message: T) => {
      this.messages.push(message);
      for (const waiter of this.#waiters.filter((w) => this.messages.length >= w.count)) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    });
  }

  /** Resolves with the first `count` messages once they have all arrived. */
  async first(count: number): Promise<T[]> {
    if (this.messages.length < count) {
      await new Promise<void>((resolve) => this.#waiters.push({ count, resolve }));
    }
    return this.messages.slice(0, count);
  }
}
