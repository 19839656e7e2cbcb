import { SharedBarrier } from '../src/index';
import { failureOf, nextMessage, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

const CYCLES = 50;

interface PhaseReport {
  early: number;
  indexes: number[];
}

describe('SharedBarrier across threads', () => {
  it('releases each cycle only when all parties (4 workers + the main thread) have arrived', async () => {
    const parties = 5;
    let actions = 0;
    const barrier = new SharedBarrier({ parties, name: 'phase', action: () => actions++ });
    const arrived = new Int32Array(new SharedArrayBuffer(4 * CYCLES));
    const workers = Array.from({ length: parties - 1 }, () =>
      startWorker('barrier-phases.js', {
        barrier: barrier.handle,
        arrived: arrived.buffer,
        cycles: CYCLES,
        parties,
      }),
    );
    const reports = workers.map((worker) => nextMessage<PhaseReport>(worker));
    const mainIndexes: number[] = [];
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      Atomics.add(arrived, cycle, 1);
      mainIndexes.push(await barrier.wait()); // the main thread waits with waitAsync
    }
    const all = [...(await Promise.all(reports)), { early: 0, indexes: mainIndexes }];
    expect(all.map((report) => report.early)).toEqual([0, 0, 0, 0, 0]);
    for (let cycle = 0; cycle < CYCLES; cycle++) {
      const indexes = all.map((report) => report.indexes[cycle]).sort();
      expect(indexes).toEqual([0, 1, 2, 3, 4]);
    }
    expect(barrier.cycles).toBe(CYCLES);
    // The action runs in whichever thread arrives last; the main thread's ran when it was last.
    expect(actions).toBeLessThanOrEqual(CYCLES);
    expect(barrier.stats).toMatchObject({ acquisitions: parties * CYCLES, waiters: 0 });
  });

  it('negative control: without the barrier, threads start phases before the others arrive', async () => {
    const arrived = new Int32Array(new SharedArrayBuffer(4 * CYCLES));
    const workers = Array.from({ length: 4 }, () =>
      startWorker('barrier-phases.js', { arrived: arrived.buffer, cycles: CYCLES, parties: 4 }),
    );
    const reports = await Promise.all(workers.map((worker) => nextMessage<PhaseReport>(worker)));
    expect(reports.reduce((sum, report) => sum + report.early, 0)).toBeGreaterThan(0);
  });

  it('breaks for the main thread when a worker party times out', async () => {
    const barrier = new SharedBarrier({ parties: 3 });
    const mainWait = barrier.wait();
    const worker = startWorker('barrier-phases.js', {
      barrier: barrier.handle,
      arrived: new SharedArrayBuffer(4),
      cycles: 1,
      parties: 3,
    });
    const failure = failureOf(worker);
    barrier.abort();
    await expect(mainWait).rejects.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    await expect(failure).resolves.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    expect(barrier.broken).toBe(true);
    barrier.reset();
    expect(barrier.broken).toBe(false);
  });

  it('breaks for every party when one times out; the one that timed out gets ERR_LOCK_TIMEOUT', async () => {
    const barrier = new SharedBarrier({ parties: 3 });
    const patient = barrier.wait();
    await expect(barrier.wait({ timeout: 10 })).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
    await expect(patient).rejects.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    expect(barrier.stats).toMatchObject({ timeouts: 1, waiters: 0 });
  });
});
