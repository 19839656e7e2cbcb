/**
 * The pool thread's entry (piscina loads this file in every worker thread): runs the request
 * and moves the buffers a task handed to `transfer()` back instead of copying them.
 */
import { move, transferableSymbol, valueSymbol } from 'piscina';
import { workerData } from 'node:worker_threads';
import {
  DATA_CLONE_TAG,
  type TaskRequest,
  type TaskResponse,
  type WorkerSetup,
} from '../task-protocol';
import { initializeWorker, runTask } from './run-task';

const { filename, setup } = workerData as { filename: string; setup?: WorkerSetup };
initializeWorker(filename, setup);

// piscina posts our answer itself and, when the result cannot be cloned, throws the
// DataCloneError on the next tick: the thread dies, and the parent receives a clone of that
// DOMException with neither name nor message. Rethrown as a tagged Error, it arrives legible.
process.on('uncaughtException', (error: unknown) => {
  if ((error as Error | undefined)?.name === 'DataCloneError') {
    throw new Error(`${DATA_CLONE_TAG} ${(error as Error).message}`);
  }
  throw error;
});

export default async function handle(
  request: TaskRequest,
): Promise<TaskResponse | ReturnType<typeof move>> {
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
