import { ThreadPoolExecutor, type ExecutorOptions } from '../src/index';
import { TASKS } from './support/executors';

// Every case is refused in the constructor, before a thread starts.
const refused: Array<[string, Partial<ExecutorOptions>]> = [
  ['a relative filename', { filename: 'tasks.js' }],
  ['a missing filename', { filename: undefined }],
  ['zero workers', { maxWorkers: 0 }],
  ['fractional workers', { maxWorkers: 1.5 }],
  ['a negative queue', { maxQueue: -1 }],
  ['an empty default name', { name: '' }],
  ['a hook that is not a function', { onWorkerReplaced: 'log' as never }],
  ['maxTasksPerChild (a process pool option)', { maxTasksPerChild: 2 } as never],
  ['an initializer that is not a name', { initializer: 42 as never }],
  ['initargs that cannot be copied', { initializer: 'setup', initargs: () => 1 }],
  ['initargs without an initializer', { initargs: 1 }],
];

describe('option validation', () => {
  it.each(refused)('refuses %s with ERR_EXECUTOR_INVALID_ARGUMENT', (_, options) => {
    expect(() => new ThreadPoolExecutor({ filename: TASKS, ...options })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
  });

  it('says what it expected and what it got', () => {
    expect(() => new ThreadPoolExecutor({ filename: TASKS, maxWorkers: 0 })).toThrow(
      'Expected `maxWorkers` to be an integer from 1 and up, got `0` (number)',
    );
  });

  it('refuses bad submit and map options without touching a worker', async () => {
    await using executor = new ThreadPoolExecutor({ filename: TASKS, maxWorkers: 1 });
    expect(() => executor.submit(1, { name: 42 as never })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
    expect(() => executor.submit(1, { signal: 'stop' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
    expect(() => executor.submit(1, { transferList: 'buffer' as never })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
    // At the call, as Python's map checks its arguments: not at the first next().
    expect(() => executor.map([1], { chunksize: 0 })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
    expect(() => executor.map([1], { timeout: -1 })).toThrow(
      expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
    );
    expect(executor.stats.completed + executor.stats.failed).toBe(0);
  });
});
