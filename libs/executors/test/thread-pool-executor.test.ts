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
