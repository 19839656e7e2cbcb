import { primitives } from '../src/demos/primitives';
import { overlong, runDemo } from './support/run-demo';

describe('primitives', () => {
  it('shows each primitive doing its job, against its absence where that is the point', async () => {
    const run = await runDemo(primitives, {
      pages: 6,
      permits: 2,
      items: 8,
      bufferSize: 2,
      parties: 3,
    });
    expect(run.figures).toMatchObject({
      // Without the semaphore all 6 fetches reach the server at once; with it, 2.
      semaphore: { mostInFlightWithout: 6, mostInFlightWith: 2 },
      event: { before: 0, after: 4 },
      condition: { largest: 2, inOrder: true },
      barrier: { overlapped: false, cycles: 3 },
      rwLock: { readersWhileWriting: 0 },
    });
    expect(run.figures.rwLock.mostReaders).toBeGreaterThan(1);
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'primitives')).toEqual([]);
  });
});
