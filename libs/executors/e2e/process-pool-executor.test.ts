import { describeBoundary } from '../test/support/boundary-semantics';
import { until } from '@concurrency-lab/launcher/testing';
import { createExecutor, rejection, TaskLog } from '../test/support/executors';
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

describe('process executor: terminateWorkers sends SIGTERM, killWorkers SIGKILL', () => {
  let log: TaskLog;
  beforeEach(() => (log = new TaskLog()));
  afterEach(() => log.remove());

  const stubbornTask = async (id: string) => {
    const executor = createExecutor('process', { maxWorkers: 1 });
    const future = executor.submit<string>({ id, log: log.path }, { name: 'stubborn' });
    await until(() => log.has(`start ${id}`), { what: 'the task to start' });
    return { executor, future };
  };

  it('a child that handles SIGTERM sees it; its task fails at once, the shutdown kills it', async () => {
    const { executor, future } = await stubbornTask('a');
    const gone = executor.terminateWorkers();
    // Failed before its child is gone: the child ignores SIGTERM and its IPC channel's close.
    expect((await rejection(future.result())).code).toBe('ERR_EXECUTOR_TERMINATED');
    await gone; // the shutdown's SIGKILL, after its grace
    expect(log.lines()).toEqual(['start a', 'sigterm a']);
    expect(executor.stats.workers).toBe(0);
  });

  it('killWorkers: SIGKILL, which no handler sees (the control of the SIGTERM above)', async () => {
    const { executor, future } = await stubbornTask('b');
    await executor.killWorkers();
    expect((await rejection(future.result())).code).toBe('ERR_EXECUTOR_TERMINATED');
    expect(log.lines()).toEqual(['start b']);
    expect(executor.stats.workers).toBe(0);
  });
});
