// The anchor's thread entry: what a hand-written piscina worker for the same tasks would be —
// run the task, move an image result back — with none of pool-worker.ts's protocol (timings,
// trace ids, answered errors, the counter).
import { move } from 'piscina';
import { runCpuTask } from '@concurrency-lab/workloads';

export default async function run(task) {
  const result = await runCpuTask(task);
  if (!(result instanceof Uint8Array)) return result;
  // Only a view that owns its whole buffer may be moved (a Buffer may share a pool slab).
  const owned =
    result.byteOffset === 0 && result.byteLength === result.buffer.byteLength
      ? result
      : new Uint8Array(result);
  return move(owned);
}
