import { InvalidArgumentError } from './errors';
import { Executor } from './executor';
import type { ExecutorOptions } from './executor-options';
import { PiscinaWorkerPool } from './thread-pool';

/**
 * Python's `ThreadPoolExecutor`, on worker threads (piscina). Each thread is its own V8
 * isolate: arguments and results are structured-cloned, or moved with `transferList` /
 * `transfer()`; a SharedArrayBuffer is shared, not copied.
 *
 * @example
 * await using executor = new ThreadPoolExecutor({ filename: require.resolve('./tasks.js') });
 * const future = executor.submit(21, { name: 'double' });
 * console.log(await future.result()); // 42
 */
export class ThreadPoolExecutor extends Executor {
  constructor(options: ExecutorOptions) {
    // Python's ThreadPoolExecutor has no max_tasks_per_child either: say so rather than ignore
    // it, so nobody believes a leak is bounded when it is not. The same for `execArgv`: a
    // thread takes no node flags, and a `--max-old-space-size` ignored is a heap cap believed.
    const processOnly = options as { maxTasksPerChild?: unknown; execArgv?: unknown } | null;
    if (processOnly?.maxTasksPerChild !== undefined) {
      throw new InvalidArgumentError(
        '`maxTasksPerChild` is a ProcessPoolExecutor option: a ThreadPoolExecutor does not retire its threads',
      );
    }
    if (processOnly?.execArgv !== undefined) {
      throw new InvalidArgumentError(
        "`execArgv` is a ProcessPoolExecutor option: a ThreadPoolExecutor's threads take no node flags",
      );
    }
    super(options, (settings) => new PiscinaWorkerPool(settings));
  }
}
