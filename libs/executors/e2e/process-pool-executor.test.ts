import { describeBoundary } from '../test/support/boundary-semantics';
import { createExecutor } from '../test/support/executors';
import { describeExecutorSemantics } from '../test/support/executor-semantics';

describeExecutorSemantics('process');

describeBoundary('process');

describe('process executor: workers are processes', () => {
  it('runs tasks in other processes, one pid per worker', async () => {
    await using executor = createExecutor('process', { maxWorkers: 2 });
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
