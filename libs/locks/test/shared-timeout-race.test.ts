import { SharedMutex } from '../src/index';
import { nextMessage, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

const THREADS = 4;
const ROUNDS = 3000;

interface Tally {
  granted: number;
  timeouts: number;
}

async function race(mutex: SharedMutex | undefined): Promise<{ cells: Int32Array; tally: Tally }> {
  // [inside, overlaps, started, next, serving]
  const cells = new Int32Array(new SharedArrayBuffer(20));
  const workers = Array.from({ length: THREADS }, () =>
    startWorker('timeout-race.js', {
      mutex: mutex?.handle,
      naive: mutex === undefined,
      cells: cells.buffer,
      rounds: ROUNDS,
      parties: THREADS,
    }),
  );
  const tallies = await Promise.all(workers.map((worker) => nextMessage<Tally>(worker)));
  const tally = tallies.reduce((sum, t) => ({
    granted: sum.granted + t.granted,
    timeouts: sum.timeouts + t.timeouts,
  }));
  return { cells, tally };
}

describe('SharedMutex when timeouts race the grants', () => {
  it('grants or times out exactly once per attempt, keeps exclusion, and stays usable', async () => {
    const mutex = new SharedMutex();
    const { cells, tally } = await race(mutex);
    expect(tally.granted + tally.timeouts).toBe(THREADS * ROUNDS);
    expect(tally.timeouts).toBeGreaterThan(0); // the race really happened
    expect(Atomics.load(cells, 1)).toBe(0); // never two holders
    expect(mutex.stats).toMatchObject({
      acquisitions: tally.granted,
      timeouts: tally.timeouts,
      holders: 0,
      waiters: 0,
    });
    const token = await mutex.acquire({ timeout: 5_000 }); // abandoned tickets were all skipped
    expect(token.unlock()).toBe(true);
  });

  it('negative control: a ticket lock whose timeout just walks away is dead after the race', async () => {
    const { cells, tally } = await race(undefined);
    expect(tally.timeouts).toBeGreaterThan(0);
    // Every thread is gone and nobody holds it, yet tickets remain unserved: the walked-away
    // ticket is never served past, so the next arrival would wait forever.
    expect(Atomics.load(cells, 0)).toBe(0);
    expect(Atomics.load(cells, 4)).toBeLessThan(Atomics.load(cells, 3));
  });
});
