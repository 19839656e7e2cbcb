import type { Executor } from '@concurrency-lab/executors';
import { runnerOf, type FibResult } from './workers/cpu-tasks';

/**
 * Runs small batches of `fib(20)` on a pool of the `cpu-tasks` module until every worker has
 * answered one (at most 10 s of them), so that each has loaded the module before anything is
 * timed. A process pool hands tasks to whichever child is up: a child still forking would
 * otherwise sit out the short timed runs.
 */
export async function warmUp(pool: Executor): Promise<void> {
  const seen = new Set<string>();
  const deadline = performance.now() + 10_000;
  do {
    const batch = Array.from({ length: pool.maxWorkers * 2 }, () =>
      pool.submit<FibResult>(20, { name: 'fib' }).result(),
    );
    for (const r of await Promise.all(batch)) seen.add(runnerOf(r));
  } while (seen.size < pool.maxWorkers && performance.now() < deadline);
}
