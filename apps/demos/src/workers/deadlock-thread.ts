/**
 * A thread of the `deadlock` demo: takes `first`, says so, waits for the go, then asks for
 * `second` with a timeout — with the other thread doing the opposite, both wait on each other
 * until the timeout ends it. Reports how its second acquire ended.
 */
import { SharedMutex, type SharedMutexHandle } from '@concurrency-lab/locks';
import { parentPort, workerData } from 'node:worker_threads';

export interface DeadlockThreadData {
  first: SharedMutexHandle;
  second: SharedMutexHandle;
  /** Int32 flag: 0 until the main thread has seen both threads holding their first lock. */
  go: SharedArrayBuffer;
  timeoutMs: number;
}

const data = workerData as DeadlockThreadData;
const first = SharedMutex.from(data.first);
const second = SharedMutex.from(data.second);
const go = new Int32Array(data.go);

first.acquireSync();
parentPort?.postMessage('holding');
Atomics.wait(go, 0, 0);
let outcome = 'acquired';
try {
  second.acquireSync({ timeout: data.timeoutMs });
  second.release();
} catch (error) {
  outcome = (error as { code?: string }).code ?? 'error';
}
first.release();
parentPort?.postMessage(outcome);
