import { WORKLOAD_ENV } from '@concurrency-lab/workloads';
import { faultyWorkload } from '@concurrency-lab/contract-testing';
import { describePoolRunner } from '../src/testing';
import { createPool, MARKS, never } from './pool-helpers';

// The pool-runner suite every pool-backed WorkRunner passes (procpool's runs it on processes),
// on real threads running the fixture worker: the real tasks, fib(39) kills its thread.
describePoolRunner('ThreadPoolRunner', {
  worker: 'thread',
  model: 'threads',
  marks: MARKS,
  start: (settings) => Promise.resolve(createPool(settings).pool),
});

describe('ThreadPoolRunner and an operator workload', () => {
  const saved = process.env[WORKLOAD_ENV];
  // Threads read LAB_WORKLOAD from the environment they start with (this test file's).
  beforeAll(() => {
    process.env[WORKLOAD_ENV] = faultyWorkload('unanswerable');
  });
  afterAll(() => {
    if (saved === undefined) delete process.env[WORKLOAD_ENV];
    else process.env[WORKLOAD_ENV] = saved;
  });

  it('refuses an answer that cannot cross back as the workload’s failure, the thread kept', async () => {
    const { pool } = createPool({ workers: 2, maxQueue: 16 });
    try {
      await expect(
        pool.run({ kind: 'custom', input: 'function' }, { signal: never() }),
      ).rejects.toMatchObject({
        code: 'ERR_WORKLOAD_RUN_FAILED',
        message: expect.stringContaining('cannot cross to a thread or process'),
      });
      // The control: what can cross does.
      await expect(
        pool.run({ kind: 'custom', input: 7 }, { signal: never() }),
      ).resolves.toMatchObject({ result: 7 });
      expect(pool.stats()).toMatchObject({ crashed: 0, replaced: 0 });
    } finally {
      await pool.close();
    }
  });
});
