import { createExecutor, type ExecutorKind } from '../test/support/executors';
import { describeExecutorSemantics } from '../test/support/executor-semantics';

describeExecutorSemantics('process');

describe('process executor: what crosses the boundary', () => {
  const kind: ExecutorKind = 'process';

  it('copies the argument: a transferList is accepted and the caller keeps its buffer', async () => {
    await using executor = createExecutor(kind);
    const bytes = new Uint8Array(4096);
    const seen = executor.submit<number>(bytes, {
      name: 'byteLength',
      transferList: [bytes.buffer],
    });
    expect(bytes.byteLength).toBe(4096); // serialized through the pipe; nothing was moved
    expect(await seen.result()).toBe(4096);
  });

  it('copies the result back as the same type (v8 structured clone, not JSON)', async () => {
    await using executor = createExecutor(kind);
    const bytes = await executor.submit<Uint8Array>(1024, { name: 'filled' }).result();
    expect(bytes).toBeInstanceOf(Uint8Array);
    expect([bytes.byteLength, bytes[0], bytes[1023]]).toEqual([1024, 7, 7]);
  });

  it('runs tasks in other processes, one pid per worker', async () => {
    await using executor = createExecutor(kind, { maxWorkers: 2 });
    const pids = new Set<number>();
    const futures = Array.from({ length: 8 }, () =>
      executor.submit<{ pid: number }>(null, { name: 'whoami' }),
    );
    for (const future of futures) pids.add((await future.result()).pid);
    expect(pids.has(process.pid)).toBe(false);
    expect(pids.size).toBeGreaterThanOrEqual(1);
    expect(pids.size).toBeLessThanOrEqual(2);
  });
});
