import type { CpuTask } from '@concurrency-lab/workloads';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/*
 * The faults the pool-runner suite (`./testing`) asks of a target's task module, in one place
 * for the fixtures of both pools: the thread pool's worker and procpool's task module. Test-only,
 * like `./testing`, but a subpath of its own (`@concurrency-lab/thread-pool/task-faults`) because
 * it runs inside the worker thread or child process, where jest cannot be loaded.
 */

/** The fib(n) whose task kills the worker running it, in a target's task module. */
export const FIB_KILLS_ITS_WORKER = 39;

/**
 * The primes(limit) whose task, in a target's task module, leaves its mark in `marks` (as any
 * primes does) and then waits — polling, at most 20 s, then it runs as any other — until a file
 * named `<limit>.exit` appears there, and kills its worker: a worker that dies when a test says.
 */
export const PRIMES_DIES_ON_CUE = 4243;

/** Whether `cue` appeared within 20 s (polled every 5 ms). */
function onCue(cue: string): boolean {
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = 0; waited < 20_000; waited += 5) {
    if (existsSync(cue)) return true;
    Atomics.wait(pause, 0, 0, 5);
  }
  return false;
}

/**
 * Called by a fixture's worker before it runs `task` for real: fib({@link FIB_KILLS_ITS_WORKER})
 * kills the worker (exit code 9; in a worker thread, `process.exit` ends only that thread); when
 * the folder `marks` exists, primes(limit) first leaves a file named after `limit` there — proof
 * that a task ran, or by its absence that it never did — and primes({@link PRIMES_DIES_ON_CUE})
 * then kills its worker on cue.
 */
export function suiteFaults(task: CpuTask, marks: string | undefined): void {
  if (task.kind === 'fib' && task.n === FIB_KILLS_ITS_WORKER) process.exit(9);
  if (task.kind !== 'primes' || marks === undefined || !existsSync(marks)) return;
  writeFileSync(join(marks, String(task.limit)), '');
  if (task.limit === PRIMES_DIES_ON_CUE && onCue(join(marks, `${task.limit}.exit`))) {
    process.exit(9);
  }
}
