import { asCompleted, Future, ThreadPoolExecutor, wait, type ExecutorOptions } from '../src/index';
import { drain, rejection, TASKS, TaskLog } from './support/executors';

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
  [
    'execArgv (a process pool option: a heap cap ignored)',
    { execArgv: ['--max-old-space-size=64'] } as never,
  ],
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
    // Nothing handed over: a task sent would be running or queued now (its result comes later).
    expect(executor.stats.running + executor.stats.queued).toBe(0);
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

  // Each was a TypeError from reading a field of `null` (or an empty answer for `wait(null)`,
  // where Python raises): the library's error says what it expected instead.
  describe('refuses arguments of the wrong kind with ERR_EXECUTOR_INVALID_ARGUMENT', () => {
    /** The refusal whose message says `message`: a matcher for toThrow and toEqual alike. */
    const invalid = (message: string): Error =>
      expect.objectContaining({
        code: 'ERR_EXECUTOR_INVALID_ARGUMENT',
        message: expect.stringContaining(message) as unknown,
      }) as Error;

    it('options that are not an object, on every method that takes them', async () => {
      await using executor = new ThreadPoolExecutor({ filename: TASKS, maxWorkers: 1 });
      const nullOptions = null as never;
      const expected = invalid('Expected `options` to be an object, got `null`');
      expect(() => executor.submit(1, nullOptions)).toThrow(expected);
      expect(await rejection(executor.submitWhenReady(1, nullOptions))).toEqual(expected);
      expect(() => executor.map([1], nullOptions)).toThrow(expected);
      expect(await rejection(executor.shutdown(nullOptions))).toEqual(expected);
      const future = new Future<number>();
      expect(await rejection(future.result(nullOptions))).toEqual(expected);
      expect(await rejection(future.exception(nullOptions))).toEqual(expected);
      expect(() => future.cancel(nullOptions)).toThrow(expected);
      expect(() => wait([future], nullOptions)).toThrow(expected);
      expect(() => asCompleted([future], 7 as never)).toThrow(
        invalid('Expected `options` to be an object, got `7` (number)'),
      );
      // Nothing was refused for being left out: the defaults (the control).
      expect(executor.submit(21, undefined)).toBeInstanceOf(Future);
      expect(future.cancel(undefined)).toBe(true);
      expect((await wait([future], undefined)).done.size).toBe(1);
    });

    it('map items that are not iterable', async () => {
      await using executor = new ThreadPoolExecutor({ filename: TASKS, maxWorkers: 1 });
      for (const items of [null, 5, {}]) {
        expect(() => executor.map(items as never)).toThrow(
          invalid('Expected `items` to be an iterable or an async iterable'),
        );
      }
      expect(executor.stats.running + executor.stats.queued).toBe(0);
      // A Set, a string and an async generator are taken (the control).
      expect(await drain(executor.map(new Set([1, 2]), { name: 'double' }))).toEqual([2, 4]);
      expect(await drain(executor.map('ab'))).toEqual(['a', 'b']);
      async function* two() {
        yield 3;
        yield 4;
      }
      expect(await drain(executor.map(two(), { name: 'double' }))).toEqual([6, 8]);
    });

    it('futures that are not an iterable of Futures, for wait and asCompleted', () => {
      const futures = [
        null,
        5,
        [1],
        [new Future(), undefined],
        (async function* () {
          yield await Promise.resolve(new Future());
        })(),
      ];
      for (const value of futures) {
        expect(() => wait(value as never)).toThrow(
          expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
        );
        expect(() => asCompleted(value as never)).toThrow(
          expect.objectContaining({ code: 'ERR_EXECUTOR_INVALID_ARGUMENT' }),
        );
      }
      expect(() => wait([1] as never)).toThrow(
        invalid('Expected `futures[0]` to be a Future, got `1` (number)'),
      );
      expect(() => wait(null as never)).toThrow(invalid('Expected `futures` to be an iterable'));
    });

    it('flags that are not booleans: a string is not taken for true', async () => {
      await using executor = new ThreadPoolExecutor({ filename: TASKS, maxWorkers: 1 });
      expect(await rejection(executor.shutdown({ wait: 'no' as never }))).toEqual(
        invalid('Expected `wait` to be a boolean, got `"no"` (string)'),
      );
      expect(await rejection(executor.shutdown({ cancelFutures: 1 as never }))).toEqual(
        invalid('Expected `cancelFutures` to be a boolean'),
      );
      expect(() => new Future().cancel({ interrupt: 'yes' as never })).toThrow(
        invalid('Expected `interrupt` to be a boolean'),
      );
      // Refused, the executor is not shut down: it still takes work (the control).
      expect(await executor.submit(2, { name: 'double' }).result()).toBe(4);
    });
  });
});
