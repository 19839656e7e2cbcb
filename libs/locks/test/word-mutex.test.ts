import { setImmediate as turn } from 'node:timers/promises';
import { WordMutex } from '../src/internal';
import { runAll, terminateAll } from './support/workers';

afterEach(terminateAll);

const THREADS = 4;
const TIMES = 25_000;

async function incrementFromThreads(locked: boolean): Promise<number> {
  const shared = new SharedArrayBuffer(3 * 4);
  const lane = { shared, parties: THREADS, times: TIMES, locked };
  await runAll('word-increment.js', Array<unknown>(THREADS).fill(lane));
  const cells = new Int32Array(shared);
  expect(cells[0]).toBe(0); // free again
  return cells[2] ?? NaN;
}

describe('WordMutex (the one-word futex mutex the queues embed in their shared ring)', () => {
  it(`gives the exact total for ${THREADS} threads x ${TIMES} locked increments`, async () => {
    expect(await incrementFromThreads(true)).toBe(THREADS * TIMES);
  });

  it('negative control: the same increments without it lose updates', async () => {
    expect(await incrementFromThreads(false)).toBeLessThan(THREADS * TIMES);
  });

  it('lets the main thread wait without blocking: lockAsync resolves once the holder unlocks', async () => {
    const lock = new WordMutex(new Int32Array(new SharedArrayBuffer(4)), 0);
    expect(lock.tryLock()).toBe(true);
    expect(lock.tryLock()).toBe(false);
    let acquired = false;
    const waiting = lock.lockAsync().then(() => (acquired = true));
    await turn();
    expect(acquired).toBe(false);
    lock.unlock();
    await waiting;
    expect(acquired).toBe(true);
    expect(lock.tryLock()).toBe(false);
    lock.unlock();
    expect(lock.tryLock()).toBe(true);
  });
});
