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
