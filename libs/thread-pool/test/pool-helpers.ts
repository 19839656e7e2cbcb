import { join } from 'node:path';
import { SharedCounterCell } from '../src/shared-counter';
import { ThreadPoolRunner, type ThreadPoolOptions } from '../src/thread-pool-runner';
import type { PoolRequest } from '../src/pool-protocol';

export const FAULT_WORKER = join(__dirname, 'fixtures', 'fault-worker.js');

export function createPool(options: Partial<ThreadPoolOptions> = {}) {
  const cell = new SharedCounterCell();
  const pool = new ThreadPoolRunner({
    filename: FAULT_WORKER,
    workers: 2,
    maxQueue: 16,
    workerData: { counter: cell.buffer },
    ...options,
  });
  return { pool, cell };
}

/** A fault request for the fixture worker (not part of the real protocol). */
export function fault(kind: 'exit' | 'throw' | 'oom' | 'busy', ms = 0): PoolRequest {
  return { op: 'fault', fault: kind, ms, submittedAt: Date.now() } as unknown as PoolRequest;
}

/** Polls `check` until it is true or `attempts` × 20 ms passed; returns the last result. */
export async function eventually(check: () => boolean, attempts = 100): Promise<boolean> {
  for (let i = 0; i < attempts; i++) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return check();
}

export const never = (): AbortSignal => new AbortController().signal;
