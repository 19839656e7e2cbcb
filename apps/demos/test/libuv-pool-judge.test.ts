import { judge } from '../src/demos/libuv-pool';
import type { PoolChildReport } from '../src/workers/libuv-pool-child';

// The e2e test runs the demo with real child processes and named pipes; which reads a pool's
// threads took there is up to libuv. Here the verdict meets made-up reports, among them the
// ones a verdict counting the reads in flight, not which, or not their completions, would pass.

const o = { reads: 6, poolSizes: [2, 6] };

/** A child's report: `inFlight` the reads (by start order) that held a thread at the count. */
const report = (size: number, inFlight: number[], completed = 6): PoolChildReport => ({
  poolSize: String(size),
  reads: 6,
  inFlight: inFlight.length,
  inFlightIndexes: inFlight,
  completed,
  drainMs: 5,
});

const pool2 = report(2, [0, 1]);
const pool6 = report(6, [0, 1, 2, 3, 4, 5]);

describe('the libuv-pool verdict', () => {
  it('holds when each pool had its first reads in flight, as many as its threads, and all completed', () => {
    expect(judge(o, [pool2, pool6])).toEqual({
      holds: true,
      why: '2 of 6 ran with 2 threads, 6 of 6 ran with 6 threads',
    });
  });

  it('does not hold when the right number of reads was in flight but not the first ones', () => {
    // Reads #5 and #6 held the pool of 2 while #1 and #2 waited: not the pool's queue order.
    expect(judge(o, [report(2, [4, 5]), pool6])).toEqual({
      holds: false,
      why: 'pool 2: 2 in flight, 6 completed',
    });
    expect(judge(o, [report(2, [0, 2]), pool6]).holds).toBe(false);
  });

  it('does not hold when a pool had more or fewer reads in flight than its threads', () => {
    expect(judge(o, [report(2, [0, 1, 2]), pool6]).holds).toBe(false);
    expect(judge(o, [pool2, report(6, [0, 1, 2, 3, 4])]).holds).toBe(false);
  });

  it('does not hold when only some of the reads completed, and names the pool', () => {
    expect(judge(o, [pool2, report(6, [0, 1, 2, 3, 4, 5], 3)])).toEqual({
      holds: false,
      why: 'pool 6: 6 in flight, 3 completed',
    });
  });
});
