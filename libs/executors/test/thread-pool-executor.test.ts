import { createExecutor, type ExecutorKind } from './support/executors';
import { describeExecutorSemantics } from './support/executor-semantics';

describeExecutorSemantics('thread');

describe('thread executor: what crosses the boundary', () => {
  const kind: ExecutorKind = 'thread';

  it('moves a transferList buffer to the worker: the caller keeps a detached view', async () => {
    await using executor = createExecutor(kind);
    const bytes = new Uint8Array(4096);
    const seen = executor.submit<number>(bytes, {
      name: 'byteLength',
      transferList: [bytes.buffer],
    });
    expect(bytes.byteLength).toBe(0); // moved, not copied
    expect(await seen.result()).toBe(4096);
  });

  it('negative control: without a transferList the caller keeps its buffer (a copy went)', async () => {
    await using executor = createExecutor(kind);
    const bytes = new Uint8Array(4096);
    expect(await executor.submit<number>(bytes, { name: 'byteLength' }).result()).toBe(4096);
    expect(bytes.byteLength).toBe(4096);
  });

  it('a task returns a buffer with transfer() and the caller receives it whole', async () => {
    await using executor = createExecutor(kind);
    const bytes = await executor.submit<Uint8Array>(1024, { name: 'filled' }).result();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([bytes.byteLength, bytes[0], bytes[1023]]).toEqual([1024, 7, 7]);
  });
});

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
