import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SharedCounterCell } from '../src/shared-counter';
import { ThreadPoolRunner, type ThreadPoolOptions } from '../src/thread-pool-runner';
import type { PoolRequest } from '../src/pool-protocol';

export { eventually } from '../src/testing';

export const FAULT_WORKER = join(__dirname, 'fixtures', 'fault-worker.js');

/** Where the fixture worker's primes tasks leave their marks (see fixtures/fault-worker.js). */
export const MARKS = join(tmpdir(), `thread-pool-marks-${process.pid}`);

/** `extraWorkerData` joins what the fixture worker reads (e.g. `slowBoot`). */
export function createPool(options: Partial<ThreadPoolOptions> = {}, extraWorkerData = {}) {
  const cell = new SharedCounterCell();
  /** Each task's wait and run (seconds) as the pool reports them, unless `options` takes them. */
  const timings: [wait: number, run: number | undefined][] = [];
  const pool = new ThreadPoolRunner({
    filename: FAULT_WORKER,
    workers: 2,
    maxQueue: 16,
    workerData: { counter: cell.buffer, marks: MARKS, ...extraWorkerData },
    onTaskTiming: (wait, run) => timings.push([wait, run]),
    ...options,
  });
  return { pool, cell, timings };
}

/** A fault request for the fixture worker (not part of the real protocol). */
export function fault(kind: 'throw' | 'oom' | 'die-holding-lock'): PoolRequest {
  return { op: 'fault', fault: kind, submittedAt: Date.now() } as unknown as PoolRequest;
}

export const never = (): AbortSignal => new AbortController().signal;

/** Runs `test` on a pool made for it (`createPool()`'s or another), closed however it ends. */
export async function withPool<Made extends { pool: ThreadPoolRunner }>(
  made: Made,
  test: (made: Made) => Promise<void>,
): Promise<void> {
  try {
    await test(made);
  } finally {
    await made.pool.close();
  }
}
