import { SharedBarrier } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
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

  it('refuses an aborted signal before arriving, even as the last party, and breaks', async () => {
    const reason = new Error('caller gave up');
    let actions = 0;
    const barrier = new SharedBarrier({ parties: 2, action: () => actions++ });
    /** A worker thread as the first party (waitSync): one cycle, then it reports. */
    const firstParty = async () => {
      const worker = startWorker('barrier-phases.js', {
        barrier: barrier.handle,
        arrived: new SharedArrayBuffer(4),
        cycles: 1,
        parties: 2,
      });
      await until(() => barrier.waiting === 1, { what: 'the worker to arrive' });
      return worker;
    };
    const first = await firstParty();
    // The main thread, last: it used to complete the cycle, run the action and release the worker.
    await expect(barrier.wait({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    await expect(failureOf(first)).resolves.toMatchObject({ code: 'ERR_LOCK_BARRIER_BROKEN' });
    expect([barrier.broken, barrier.cycles, actions]).toEqual([true, 0, 0]);
    expect(barrier.stats).toMatchObject({ aborts: 1, waiters: 0 });
    // Control: a last party whose signal has not aborted completes the cycle.
    barrier.reset();
    const again = await firstParty();
    await expect(barrier.wait({ signal: new AbortController().signal })).resolves.toBe(1);
    expect(await nextMessage(again)).toMatchObject({ indexes: [0] }); // released, index 0
    expect([barrier.broken, barrier.cycles, actions]).toEqual([false, 1, 1]);
  });

  it('refuses an aborted first party too, breaking the cycle it would have joined', async () => {
    const reason = new Error('caller gave up');
    const barrier = new SharedBarrier({ parties: 2 });
    await expect(barrier.wait({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect({ broken: barrier.broken, waiting: barrier.waiting }).toEqual({
      broken: true,
      waiting: 0,
    });
    await expect(barrier.wait({ signal: AbortSignal.abort(reason) })).rejects.toMatchObject({
      code: 'ERR_LOCK_BARRIER_BROKEN',
    });
    expect(barrier.stats).toMatchObject({ aborts: 1 });
  });

  // Between the last arrival and the opening of the cycle (while `action` runs, a slow one in
  // real use) the cycle is full but still filling: a party arriving then belongs to the next
  // cycle. Admitted as party `parties + 1` it got an index past the arrival table and threw.
  it('keeps a party that arrives while the action runs for the next cycle', async () => {
    let late: Promise<number> | undefined;
    const barrier = new SharedBarrier({
      parties: 2,
      action: () => {
        late ??= barrier.wait({ timeout: 5000 });
      },
    });
    await expect(Promise.all([barrier.wait(), barrier.wait()])).resolves.toEqual([0, 1]);
    expect({ cycles: barrier.cycles, waiting: barrier.waiting, broken: barrier.broken }).toEqual({
      cycles: 1,
      waiting: 1,
      broken: false,
    });
    await expect(barrier.wait()).resolves.toBe(1); // completes the next cycle with it
    await expect(late).resolves.toBe(0);
    expect(barrier.cycles).toBe(2);
  });
});
