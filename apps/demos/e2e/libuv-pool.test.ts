import { libuvPool } from '../src/demos/libuv-pool';
import { overlong, runDemo } from '../test/support/run-demo';

describe('libuv-pool', () => {
  it('lets only UV_THREADPOOL_SIZE slow reads in flight; the later ones wait for a thread', async () => {
    const run = await runDemo(libuvPool, {
      reads: 6,
      poolSizes: [2, 6],
      // Time for the pool's threads to take the reads: 150 ms asked 6 threads to start and block
      // at once, which a loaded machine need not manage; the default is 200.
      settleMs: 1000,
    });
    expect(run.figures.runs.map((r) => [r.poolSize, r.inFlightIndexes, r.completed])).toEqual([
      ['2', [0, 1], 6],
      ['6', [0, 1, 2, 3, 4, 5], 6],
    ]);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'libuv-pool')).toEqual([]);
  });
});
