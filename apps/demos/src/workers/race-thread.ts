/**
 * A thread of the `race` demo: increments a counter in shared memory `iterations` times, all
 * threads starting together. `unsafe` reads, works a little, then writes (the guide's
 * `counter += 1` with its window made visible); `atomic` uses Atomics.add; `mutex` does the
 * unsafe read-work-write under a SharedMutex.
 */
import { SharedMutex, type SharedMutexHandle } from '@concurrency-lab/locks';
import { parentPort, workerData } from 'node:worker_threads';

export type RaceMode = 'unsafe' | 'atomic' | 'mutex';

export interface RaceThreadData {
  mode: RaceMode;
  iterations: number;
  counter: SharedArrayBuffer;
  /** Int32 flag: threads wait on 0 until the main thread stores 1, so they start together. */
  start: SharedArrayBuffer;
  mutex: SharedMutexHandle;
}

const data = workerData as RaceThreadData;
const counter = new Int32Array(data.counter);
const start = new Int32Array(data.start);
const mutex = SharedMutex.from(data.mutex);

// The work between read and write: a few dozen operations, like any real update would do.
let sink = 0;
function work(): void {
  for (let i = 0; i < 20; i++) sink = (sink * 31 + i) | 0;
}

function readWorkWrite(): void {
  const seen = counter[0] as number;
  work();
  counter[0] = seen + 1;
}

parentPort?.postMessage('ready');
Atomics.wait(start, 0, 0);
for (let i = 0; i < data.iterations; i++) {
  if (data.mode === 'atomic') {
    work();
    Atomics.add(counter, 0, 1);
  } else if (data.mode === 'mutex') {
    mutex.withLockSync(readWorkWrite);
  } else {
    readWorkWrite();
  }
}
parentPort?.postMessage({ done: true, sink });
