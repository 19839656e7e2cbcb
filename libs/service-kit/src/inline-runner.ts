import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { runCpuTask, type CpuTask, type CpuTaskResult } from '@concurrency-lab/workloads';
import type { RunOutcome, RunnerStats, WorkRunner } from './work-runner';

/**
 * Runs CPU work on the calling thread's event loop — the async model, and each cluster worker.
 * While a task runs, nothing else on this loop does: that is the lesson, not a bug. The task
 * waits one macrotask turn first (`setImmediate`) so a request whose deadline already passed, or
 * whose client already left, is cancelled before it burns the CPU; once started it cannot be
 * interrupted. (Every task queued in one turn runs in the next `setImmediate` phase: event-loop
 * admission bounds how much that is — see `pendingLoopWorkMs`. One task per turn was measured
 * too: it halved throughput under overload, each task paying for a whole turn of the loop.)
 */
export class InlineRunner implements WorkRunner {
  readonly workers = 1;
  #running = 0;
  #queued = 0;
  #completed = 0;
  #cancelled = 0;
  #failed = 0;
  #closed = false;
  /** Moving average of a task's run time (ms): what a queued task is expected to cost. */
  #averageWorkMs = 0;

  async run<T extends CpuTask>(
    task: T,
    { signal }: { signal: AbortSignal },
  ): Promise<RunOutcome<CpuTaskResult<T>>> {
    if (this.#closed) throw new Error('InlineRunner is closed');
    const queuedAt = performance.now();
    this.#queued++;
    try {
      await new Promise<void>((resolve) => setImmediate(resolve));
    } finally {
      this.#queued--;
    }
    if (signal.aborted) {
      this.#cancelled++;
      throw signal.reason;
    }
    const startedAt = performance.now();
    this.#running++;
    try {
      // A custom workload answers a promise (its run may be async); the others a value.
      /* eslint-disable-next-line @typescript-eslint/await-thenable -- the rule cannot see the
         promise of `custom` through the generic CpuTaskResult<T> */
      const result = await runCpuTask(task);
      this.#completed++;
      const workMs = performance.now() - startedAt;
      // A fifth per task: follows a change of workload within a few tasks, one outlier less.
      this.#averageWorkMs += (workMs - this.#averageWorkMs) / 5;
      return { result, queueMs: startedAt - queuedAt, workMs, threadId };
    } catch (error) {
      this.#failed++;
      throw error;
    } finally {
      this.#running--;
    }
  }

  /** Queued tasks × the average run time: how long the loop will be busy with them. */
  pendingLoopWorkMs(): number {
    return this.#queued * this.#averageWorkMs;
  }

  stats(): RunnerStats {
    return {
      queued: this.#queued,
      running: this.#running,
      size: 1,
      completed: this.#completed,
      cancelled: this.#cancelled,
      failed: this.#failed,
    };
  }

  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
