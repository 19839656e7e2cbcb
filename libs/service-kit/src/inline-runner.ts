import { performance } from 'node:perf_hooks';
import { threadId } from 'node:worker_threads';
import { runCpuTask, type CpuTask, type CpuTaskResult } from '@concurrency-lab/workloads';
import { DeadlineExceededError } from './errors';
import type { RunOptions, RunOutcome, RunnerStats, WorkRunner } from './work-runner';

/**
 * Runs CPU work on the calling thread's event loop — the async model, and each cluster worker.
 * While a task runs, nothing else on this loop does: that is the lesson, not a bug. The task
 * waits one macrotask turn first (`setImmediate`) so a request whose deadline already passed, or
 * whose client already left, is cancelled before it burns the CPU; once started it cannot be
 * interrupted. (Every task queued in one turn runs in the next `setImmediate` phase: event-loop
 * admission bounds how much that is — see `pendingLoopWorkMs`. One task per turn was measured
 * too: it halved throughput under overload, each task paying for a whole turn of the loop.)
 * Tasks run back to back in that phase, where no timer fires: the deadline clock cannot abort a
 * request whose deadline passed while the tasks before it ran, so each task compares its
 * request's deadline instant (`deadlineAt`) with the clock itself before it starts.
 */
export class InlineRunner implements WorkRunner {
  readonly workers = 1;
  #running = 0;
  #queued = 0;
  #completed = 0;
  #cancelled = 0;
  #failed = 0;
  #closed = false;
  /** Moving average of how long a task held the loop (ms): what a queued task will cost it. */
  #averageLoopMs = 0;

  /**
   * Runs as a tick queued when a task starts. Node runs ticks once the microtask queue is
   * empty, so this is when the loop is free for the next task: after the task's synchronous
   * part and the microtasks it chains without waiting (a custom workload's `run` starts only
   * after its module's promise, once `runCpuTask` has returned, so timing until that return
   * would see no custom workload at all). What an async task does after it waits on I/O runs
   * later, between other callbacks: the delay samples see it, no queued task waits for it.
   * Timed across the whole await instead, a workload waiting 300 ms on a timer weighed 300 ms
   * here, and a burst of fib(1) was shed on an idle loop. So one average serves every kind of
   * task, as the contract describes it: what it mixes is loop time only.
   */
  readonly #recordLoopTime = (startedAt: number): void => {
    // A fifth per task: follows a change of workload within a few tasks, one outlier less.
    this.#averageLoopMs += (performance.now() - startedAt - this.#averageLoopMs) / 5;
  };

  async run<T extends CpuTask>(
    task: T,
    { signal, deadlineAt }: RunOptions,
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
    if (deadlineAt !== undefined && startedAt > deadlineAt) {
      this.#cancelled++;
      throw new DeadlineExceededError('the deadline passed before the task could start');
    }
    this.#running++;
    process.nextTick(this.#recordLoopTime, startedAt);
    try {
      // A custom workload answers a promise (its run may be async); the others a value.
      /* eslint-disable-next-line @typescript-eslint/await-thenable -- the rule cannot see the
         promise of `custom` through the generic CpuTaskResult<T> */
      const result = await runCpuTask(task);
      this.#completed++;
      // The whole run, I/O waits included: what `Server-Timing` reports as `work`.
      const workMs = performance.now() - startedAt;
      return { result, queueMs: startedAt - queuedAt, workMs, threadId };
    } catch (error) {
      this.#failed++;
      throw error;
    } finally {
      this.#running--;
    }
  }

  /** Queued tasks × the average time a task holds the loop: how long it will be busy with them. */
  pendingLoopWorkMs(): number {
    return this.#queued * this.#averageLoopMs;
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
