/**
 * Whatever order jobs finish in (fast-check's scheduler decides), a WorkQueue never runs more
 * than `concurrency` jobs at once, answers every caller with its own job's result, and runs
 * every admitted job exactly once. The negative control points the same probe at jobs started
 * without a bound and shows it catches the overrun.
 */
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { WorkQueue } from '../src/index';

/** Counts jobs in flight and remembers the most seen at once. */
class InFlightProbe {
  now = 0;
  most = 0;

  async around<T>(work: () => Promise<T>): Promise<T> {
    this.now++;
    this.most = Math.max(this.most, this.now);
    try {
      return await work();
    } finally {
      this.now--;
    }
  }
}

class Overrun extends Error {
  readonly most: number;

  constructor(most: number) {
    super(`${most} jobs ran at once`);
    this.most = most;
  }
}

type Runner = (job: () => Promise<number>) => Promise<number>;

function boundedRun(concurrency: number, makeRunner: (concurrency: number) => Runner) {
  return fc.asyncProperty(fc.scheduler(), fc.integer({ min: 1, max: 25 }), async (s, jobs) => {
    const probe = new InFlightProbe();
    const run = makeRunner(concurrency);
    const runs = new Map<number, number>();
    const results = Array.from({ length: jobs }, (_, i) =>
      run(() =>
        probe.around(async () => {
          runs.set(i, (runs.get(i) ?? 0) + 1);
          await s.schedule(Promise.resolve()); // the job "works" until the scheduler says
          return i * 10;
        }),
      ),
    );
    const answers = await s.waitFor(Promise.all(results));
    expect(answers).toEqual(Array.from({ length: jobs }, (_, i) => i * 10));
    expect([...runs.values()].every((count) => count === 1)).toBe(true);
    expect(runs.size).toBe(jobs);
    if (probe.most > concurrency) throw new Overrun(probe.most);
  });
}

describe('WorkQueue concurrency', () => {
  it.each([1, 3])('runs at most %d jobs at once, each exactly once', async (concurrency) => {
    const makeRunner = (n: number): Runner => {
      const queue = new WorkQueue({ concurrency: n, maxQueue: 100 });
      return (job) => queue.run(job);
    };
    await fc.assert(boundedRun(concurrency, makeRunner), { numRuns: 100 });
  });

  it('negative control: the probe catches jobs started without a bound', async () => {
    const unbounded = (): Runner => (job) => job();
    const result = await fc.check(boundedRun(3, unbounded), { numRuns: 100, seed: 7 });
    expect(result.failed).toBe(true);
    expect(result.errorInstance).toBeInstanceOf(Overrun);
    expect((result.errorInstance as Overrun).most).toBeGreaterThan(3);
  });
});
