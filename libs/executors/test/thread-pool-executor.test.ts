import { describeBoundary } from './support/boundary-semantics';
import { createExecutor } from './support/executors';
import { describeExecutorSemantics } from './support/executor-semantics';

describeExecutorSemantics('thread');

describeBoundary('thread');

describe('thread executor: the onWorkerReplaced hook', () => {
  it('reports a throwing hook as a warning and the pool still replaces the worker', async () => {
    // jest hands tests a copy of `process` (see future.test.ts): observe the call itself.
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      await using executor = createExecutor('thread', {
        maxWorkers: 1,
        onWorkerReplaced: () => {
          throw new Error('metrics bug');
        },
      });
      await expect(executor.submit(3, { name: 'exit' }).result()).rejects.toMatchObject({
        code: 'ERR_EXECUTOR_WORKER_CRASHED',
      });
      expect(await executor.submit<number>(21, { name: 'double' }).result()).toBe(42);
      expect(executor.stats.replaced).toBe(1);
      expect(emitWarning.mock.calls.map((call) => call[1])).toEqual([
        expect.objectContaining({
          type: 'CallbackError',
          code: 'ERR_EXECUTOR_CALLBACK_FAILED',
          detail: expect.stringContaining('metrics bug'),
        }),
      ]);
    } finally {
      emitWarning.mockRestore();
    }
  });
});

describe('thread executor: a callback that throws a value with no string form', () => {
  /** `String()` of either throws: reporting them must not. */
  const unprintable = (): unknown[] => [
    Object.create(null),
    {
      toString() {
        throw new Error('no words');
      },
    },
  ];

  /**
   * `promise`, or a clear failure if it has not settled long after the pool's work is over: a
   * callback's throw that escapes leaves futures and shutdown() pending for good. Generous (12 s,
   * twice within jest's 30 s): thread start-up on a loaded 2-core machine is no hang.
   */
  async function within<T>(promise: Promise<T>, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const stuck = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} never settled`)), 12_000);
    });
    try {
      return await Promise.race([promise, stuck]);
    } finally {
      clearTimeout(timer);
    }
  }

  let emitWarning: jest.SpiedFunction<typeof process.emitWarning>;
  // jest hands tests a copy of `process` (see future.test.ts): observe the call itself.
  beforeEach(() => {
    emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
  });
  afterEach(() => emitWarning.mockRestore());

  const warned = () =>
    emitWarning.mock.calls.map((call) => call[1] as { code?: unknown; detail?: unknown });

  it('is reported; the later callbacks, the queued task and shutdown() still run', async () => {
    const executor = createExecutor('thread', { maxWorkers: 1 });
    const first = executor.submit<number>(1, { name: 'double' });
    const queued = executor.submit<number>(2, { name: 'double' });
    const ran: string[] = [];
    for (const value of unprintable()) {
      first.addDoneCallback(() => {
        throw value;
      });
      first.addDoneCallback(() => ran.push('after'));
    }
    expect(await within(Promise.all([first.result(), queued.result()]), 'the tasks')).toEqual([
      2, 4,
    ]);
    await within(executor.shutdown(), 'shutdown()');
    expect(ran).toEqual(['after', 'after']);
    expect(warned()).toEqual([
      expect.objectContaining({ code: 'ERR_EXECUTOR_CALLBACK_FAILED', detail: expect.any(String) }),
      expect.objectContaining({ code: 'ERR_EXECUTOR_CALLBACK_FAILED', detail: expect.any(String) }),
    ]);
  });

  it('while the executor breaks: every queued task fails, shutdown() resolves', async () => {
    const executor = createExecutor('thread', {
      maxWorkers: 1,
      initializer: 'failingSetup',
      initargs: {},
    });
    const futures = [1, 2, 3, 4].map((n) => executor.submit(n, { name: 'double' }));
    // The second and third fail in the loop that fails the queue, the fourth after them.
    for (const [i, value] of unprintable().entries()) {
      futures[i + 1]?.addDoneCallback(() => {
        throw value;
      });
    }
    const errors = await within(
      Promise.all(futures.map((future) => future.exception())),
      'the futures',
    );
    expect(errors.map((error) => (error as { code?: unknown }).code)).toEqual(
      Array(4).fill('ERR_EXECUTOR_BROKEN'),
    );
    await within(executor.shutdown(), 'shutdown()');
    expect(warned()).toHaveLength(2);
    expect(warned()[0]).toMatchObject({ code: 'ERR_EXECUTOR_CALLBACK_FAILED' });
  });
});
