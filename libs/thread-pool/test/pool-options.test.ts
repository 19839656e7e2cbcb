import { WORKLOAD_ENV } from '@concurrency-lab/workloads';
import { useEnv } from '@concurrency-lab/launcher/testing';
import { join } from 'node:path';
import { createPool, never, withPool } from './pool-helpers';

describe("ThreadPoolRunner's per-thread V8 limits (resourceLimits)", () => {
  // Threads read LAB_WORKLOAD from the environment they start with (this test file's).
  useEnv(WORKLOAD_ENV, join(__dirname, 'fixtures', 'limits-workload.cjs'));

  /** The resourceLimits a thread of `pool` was started with, as the thread reads them. */
  const limitsOf = async (pool: ReturnType<typeof createPool>['pool']) =>
    (await pool.run({ kind: 'custom', input: 0 }, { signal: never() })).result as {
      maxOldGenerationSizeMb?: number;
    };

  // Unbounded, a task whose heap grows without end takes the whole process down with it.
  it('caps each thread at 256 MB of old space by default', () =>
    withPool(createPool({ workers: 1 }), async ({ pool }) => {
      expect(await limitsOf(pool)).toMatchObject({ maxOldGenerationSizeMb: 256 });
    }));

  it('takes the limits it is given instead (the control: the figure is the option, read there)', () =>
    withPool(
      createPool({ workers: 1, resourceLimits: { maxOldGenerationSizeMb: 64 } }),
      async ({ pool }) => {
        expect(await limitsOf(pool)).toMatchObject({ maxOldGenerationSizeMb: 64 });
      },
    ));
});
