/**
 * Tasks of the `gil` demo, run by the executors in worker threads and child processes: pure
 * CPU work (naive Fibonacci) and who ran it.
 */
import { fib as fibonacci } from '@concurrency-lab/workloads';
import { threadId } from 'node:worker_threads';

export interface FibResult {
  value: number;
  threadId: number;
  pid: number;
}

/** Who ran a task — `pid/threadId` — to count a pool's runners or tell the main thread's work. */
export const runnerOf = (r: { pid: number; threadId: number }): string => `${r.pid}/${r.threadId}`;

export function fib(n: number): FibResult {
  return { value: fibonacci(n), threadId, pid: process.pid };
}
