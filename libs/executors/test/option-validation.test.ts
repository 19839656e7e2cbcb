import { asCompleted, Future, ThreadPoolExecutor, wait, type ExecutorOptions } from '../src/index';
import { rejection, TASKS, TaskLog } from './support/executors';

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

  it('refuses a timeout longer than a timer can wait, which fired after 1 ms, and takes Infinity as none', async () => {
    const tooLong = 2 ** 31; // Node clamps a timer past 2^31 - 1 ms to 1 ms
    const pending = new Future<number>();
    const refused = expect.objectContaining({
      code: 'ERR_EXECUTOR_INVALID_ARGUMENT',
      message: expect.stringContaining('from 0 to 2147483647, or Infinity') as unknown,
    });
    expect(await rejection(pending.result({ timeout: tooLong }))).toEqual(refused);
    expect(await rejection(pending.exception({ timeout: Number.MAX_SAFE_INTEGER }))).toEqual(
      refused,
    );
    expect(() => wait([pending], { timeout: tooLong })).toThrow(refused); // at the call, as map
    expect(() => asCompleted([pending], { timeout: tooLong })).toThrow(refused);
    await using executor = new ThreadPoolExecutor({ filename: TASKS, maxWorkers: 1 });
    expect(() => executor.map([1], { timeout: tooLong })).toThrow(refused);
    // Infinity is no limit, as Python's None: the wait lasts until the result is in.
    const waited = pending.result({ timeout: Infinity });
    const all = wait([pending], { timeout: Infinity });
    pending.setRunningOrNotifyCancel();
    pending.setResult(7);
    await expect(waited).resolves.toBe(7);
    expect((await all).notDone.size).toBe(0);
    const mapped: unknown[] = [];
    for await (const n of executor.map([1], { name: 'double', timeout: Infinity })) mapped.push(n);
    expect(mapped).toEqual([2]);
    // The largest a timer can wait is accepted (the control).
    expect(() => asCompleted([pending], { timeout: tooLong - 1 })).not.toThrow();
  });

  it('refuses bad submitWhenReady options alike whether the queue has room or not, and rejects', async () => {
    const log = new TaskLog();
    try {
      await using executor = new ThreadPoolExecutor({
        filename: TASKS,
        maxWorkers: 1,
        maxQueue: 0,
      });
      const bad: { signal?: never; transferList?: never; name?: never }[] = [
        { signal: 'soon' as never },
        { transferList: 'buffer' as never },
        { name: 42 as never },
      ];
      for (const options of bad) {
        expect((await rejection(executor.submitWhenReady(1, options))).code).toBe(
          'ERR_EXECUTOR_INVALID_ARGUMENT',
        );
      }
      // Full now: the one worker is busy and no task may wait.
      const busy = executor.submit({ id: 'busy', ms: 300, log: log.path }, { name: 'block' });
      for (const options of bad) {
        let settled: Promise<unknown> | undefined;
        expect(() => (settled = executor.submitWhenReady(1, options))).not.toThrow();
        expect((await rejection(settled as Promise<unknown>)).code).toBe(
          'ERR_EXECUTOR_INVALID_ARGUMENT',
        );
      }
      expect(busy.running()).toBe(true); // refused at once, not once room came
      expect(await busy.result()).toBe('busy');
    } finally {
      log.remove();
    }
  });
});
