import { primitives } from '../src/demos/primitives';
import { overlong, runDemo } from './support/run-demo';

/** Small knobs: every part runs in a moment. */
const SMALL = { pages: 6, permits: 2, items: 8, bufferSize: 2, parties: 3 };
/**
 * Each knob at its widest value (pages above permits, items above buffer size, as the rules
 * ask): the table's longest numbers.
 */
const WIDEST = { pages: 200, permits: 50, items: 10_000, bufferSize: 100, parties: 16 };

describe('primitives', () => {
  it('shows each primitive doing its job, against its absence where that is the point', async () => {
    const run = await runDemo(primitives, SMALL);
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

  it('fits 80 columns with every knob at its widest value', async () => {
    // The table's width grows with the numbers' digits.
    const run = await runDemo(primitives, WIDEST);
    expect(run.figures.condition).toEqual({ largest: 100, inOrder: true });
    expect(overlong(run, 'primitives')).toEqual([]);
  });
});
