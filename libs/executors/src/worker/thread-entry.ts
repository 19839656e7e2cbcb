/**
 * The pool thread's entry (piscina loads this file in every worker thread): runs the request
 * and moves the buffers a task handed to `transfer()` back instead of copying them.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { parentPort, workerData } from 'node:worker_threads';
import { BrokenExecutorError } from '../errors';
import {
  DATA_CLONE_TAG,
  serializeError,
  WORKER_MESSAGE,
  type TaskRequest,
  type TaskResponse,
  type WorkerSetup,
  type WorkerStatus,
} from '../task-protocol';
import { initializeWorker, runTask } from './run-task';

const { filename, setup, broken } = workerData as {
  filename: string;
  setup?: WorkerSetup;
  /** Set by the pool when it breaks: a task not started yet is refused, not run. */
  broken: Int32Array;
};

// Tells the pool this thread is up (its initializer done) or that the initializer failed: a
// thread that exits before either broke the pool. Registered before any task can wait for the
// initializer, so `up` is posted before a task runs.
const tell = (status: WorkerStatus): void => parentPort?.postMessage(status);
const initialized = initializeWorker(filename, setup).then(
  () => tell({ [WORKER_MESSAGE]: 'up' }),
  (error: unknown) => tell({ [WORKER_MESSAGE]: 'init-failed', e: serializeError(error) }),
);

// piscina posts our answer itself and, when the result cannot be cloned, throws the
// DataCloneError on the next tick: the thread dies, and the parent receives a clone of that
// DOMException with neither name nor message. Rethrown as a tagged Error, it arrives legible.
process.on('uncaughtException', (error: unknown) => {
  if ((error as Error | undefined)?.name === 'DataCloneError') {
    throw new Error(`${DATA_CLONE_TAG} ${(error as Error).message}`);
  }
  throw error;
});

async function handle(request: TaskRequest): Promise<TaskResponse | ReturnType<typeof move>> {
  if (Atomics.load(broken, 0) !== 0) {
    const e = serializeError(new BrokenExecutorError());
    return { ok: false, e, i: true } satisfies TaskResponse;
  }
  const { response, transferList } = await runTask(filename, request);
  if (transferList.length === 0) return response;
  // piscina's move() takes one Transferable; this object hands it the whole response with
  // all the buffers (piscina concatenates the array into the postMessage transfer list).
  return move({
    get [transferableSymbol]() {
      return transferList;
    },
    get [valueSymbol]() {
      return response;
    },
  });
}

/**
 * The handler, once the initializer has settled (never a rejection: a failed initializer is
 * told above, and its tasks answer `i`). piscina awaits an export that is a promise before it
 * says the thread is ready and parks it in `Atomics.wait`, which blocks the thread's event
 * loop: before, an initializer awaiting a timer or I/O stalled there until a task arrived —
 * its `up` (the executor's `ready()`) and its failure (the pool's break) waited for a task —
 * and a replacement thread took tasks while its initializer still ran.
 */
export default initialized.then(
  () => handle,
  () => handle,
);
