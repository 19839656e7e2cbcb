import { WORKLOAD_ENV } from '@concurrency-lab/workloads';
import { join } from 'node:path';
import { faultyWorkload } from '@concurrency-lab/contract-testing';
import { useEnv } from '@concurrency-lab/launcher/testing';
import { describePoolRunner } from '../src/testing';
import { createPool, MARKS, never } from './pool-helpers';

// The pool-runner suite every pool-backed WorkRunner passes (procpool's runs it on processes),
// on real threads running the fixture worker: the real tasks, fib(39) kills its thread.
describePoolRunner('ThreadPoolRunner', {
  worker: 'thread',
  model: 'threads',
  marks: MARKS,
  // Ready to take tasks: every thread has loaded its module (a service awaits it too).
  start: async (settings) => {
    const { pool } = createPool(settings);
    await pool.ready();
    return pool;
  },
});

describe('ThreadPoolRunner and an operator workload', () => {
  // Threads read LAB_WORKLOAD from the environment they start with (this test file's).
  useEnv(WORKLOAD_ENV, faultyWorkload('unanswerable'));

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

describe('ThreadPoolRunner and a task whose error has a cause', () => {
  // Threads read LAB_WORKLOAD from the environment they start with (this test file's).
  useEnv(WORKLOAD_ENV, join(__dirname, 'fixtures', 'caused-workload.cjs'));

  /** The workload's own error: the cause of the ERR_WORKLOAD_RUN_FAILED its run ends with. */
  async function thrownBy(input: string): Promise<Error & { cause?: unknown; code?: unknown }> {
    const { pool } = createPool({ workers: 1, maxQueue: 16 });
    try {
      const failed = await pool.run({ kind: 'custom', input }, { signal: never() }).then(
        () => undefined,
        (error: Error & { cause?: Error }) => error,
      );
      expect(failed).toMatchObject({ code: 'ERR_WORKLOAD_RUN_FAILED' });
      // The control: the thread answered its error and lives on.
      await expect(
        pool.run({ kind: 'custom', input: 7 }, { signal: never() }),
      ).resolves.toMatchObject({ result: 7 });
      return failed?.cause as Error;
    } finally {
      await pool.close();
    }
  }

  it('keeps the chain of causes, coded and non-enumerable, as `{ cause }` makes it', async () => {
    const thrown = await thrownBy('chain');
    expect(thrown).toMatchObject({
      message: 'outer',
      cause: { message: 'inner', code: 'ERR_FIXTURE_INNER' },
    });
    expect(thrown.cause).toBeInstanceOf(Error);
    expect(Object.getOwnPropertyDescriptor(thrown, 'cause')).toMatchObject({ enumerable: false });
  });

  it('cuts an error that is its own cause', async () => {
    const thrown = await thrownBy('cycle');
    expect(thrown).toMatchObject({ message: 'its own cause' });
    expect(thrown.cause).toBeUndefined();
  });

  it('brings an AggregateError back as one, with its errors', async () => {
    const thrown = await thrownBy('aggregate');
    expect(thrown).toBeInstanceOf(AggregateError);
    const { errors } = thrown as AggregateError;
    expect(errors).toEqual([expect.any(RangeError), 7]);
    expect(errors[0]).toMatchObject({ message: 'a', code: 'ERR_FIXTURE_A' });
  });
});
