import { ChildProcessPool } from './child-process-pool';
import { Executor } from './executor';
import type { ProcessPoolExecutorOptions } from './executor-options';
import { integerOption, stringsOption } from './option-validation';

/**
 * Python's `ProcessPoolExecutor`, on child processes (`child_process.fork`). Arguments and
 * results are serialized with v8's structured clone and copied through the IPC pipe both ways;
 * `transferList` is accepted (so code moves between executors unchanged) and ignored, and a
 * SharedArrayBuffer cannot be sent at all (`ERR_EXECUTOR_DATA_CLONE`).
 *
 * @example
 * await using executor = new ProcessPoolExecutor({ filename: require.resolve('./tasks.js') });
 * for await (const value of executor.map([1, 2, 3], { name: 'double', chunksize: 2 })) ...
 */
export class ProcessPoolExecutor extends Executor {
  constructor(options: ProcessPoolExecutorOptions) {
    // Checked before the base class forks the children.
    const maxTasksPerChild = integerOption(
      'maxTasksPerChild',
      (options as Partial<ProcessPoolExecutorOptions> | null)?.maxTasksPerChild,
      1,
      Number.POSITIVE_INFINITY,
    );
    const execArgv = stringsOption(
      'execArgv',
      (options as Partial<ProcessPoolExecutorOptions> | null)?.execArgv,
    );
    super(
      options,
      (settings) =>
        new ChildProcessPool({ ...settings, maxTasksPerChild, ...(execArgv ? { execArgv } : {}) }),
    );
  }
}
