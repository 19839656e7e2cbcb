// A stress run (4 threads x 100,000 contended increments, ~5 s on 2 cores): the e2e layer.
import { SharedMutex } from '../src/index';
import { runAll, terminateAll } from '../test/support/workers';

afterEach(terminateAll);

const THREADS = 4;
const TIMES = 100_000;

async function incrementFromThreads(locked: boolean): Promise<number> {
  const mutex = new SharedMutex({ name: 'counter' });
  const counter = new SharedArrayBuffer(4);
  const start = new SharedArrayBuffer(4);
  const lane = { mutex: mutex.handle, counter, start, parties: THREADS, times: TIMES, locked };
  await runAll('increment.js', Array<unknown>(THREADS).fill(lane));
  if (locked)
    expect(mutex.stats).toMatchObject({ acquisitions: THREADS * TIMES, holders: 0, waiters: 0 });
  return Atomics.load(new Int32Array(counter), 0);
}

describe('SharedMutex stress', () => {
  it(`gives the exact total for ${THREADS} threads x ${TIMES} locked increments`, async () => {
    expect(await incrementFromThreads(true)).toBe(THREADS * TIMES);
  });

  it('negative control: the same increments without the lock lose updates', async () => {
    expect(await incrementFromThreads(false)).toBeLessThan(THREADS * TIMES);
  });
});
