import { SharedEvent, SharedMutex } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { nextMessage, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

describe('SharedMutex fairness (FIFO ticket order)', () => {
  it('grants threads in the order they queued', async () => {
    const mutex = new SharedMutex();
    const log = new SharedArrayBuffer(4 * 8);
    const held = mutex.tryAcquire();
    const workers = [];
    for (let id = 1; id <= 4; id++) {
      workers.push(startWorker('queue-for-mutex.js', { mutex: mutex.handle, log, id }));
      await until(() => mutex.stats.waiters === id, { what: `thread ${id} to queue` });
    }
    held?.unlock();
    await Promise.all(workers.map((worker) => nextMessage(worker)));
    expect(Array.from(new Int32Array(log).subarray(0, 5))).toEqual([4, 1, 2, 3, 4]);
  });

  it('hands over to the queued thread: a releaser asking again at once does not get it back', async () => {
    const mutex = new SharedMutex();
    const release = new SharedEvent();
    const held = mutex.tryAcquire();
    // The worker keeps what it is handed until `release`: if it woke and finished between
    // our unlock and our tryAcquire (a loaded machine), a free lock would be ours by right.
    const worker = startWorker('hold-until-event.js', {
      mutex: mutex.handle,
      release: release.handle,
    });
    await until(() => mutex.stats.waiters === 1, { what: 'the worker to queue' });
    held?.unlock();
    expect(mutex.tryAcquire()).toBeNull();
    expect(await nextMessage(worker)).toBe('held');
    release.set();
    expect(await nextMessage(worker)).toBe('released');
    expect(mutex.tryAcquire()).not.toBeNull();
  });

  it('negative control: a test-and-set lock lets the releaser barge in ahead of the sleeping waiter', async () => {
    let barged = 0;
    for (let attempt = 0; attempt < 5; attempt++) {
      const cells = new Int32Array(new SharedArrayBuffer(8)); // [lock, waiting]
      cells[0] = 1; // main holds it
      const worker = startWorker('tas-waiter.js', { cells: cells.buffer });
      await until(() => Atomics.load(cells, 1) === 1, { what: 'the worker to wait' });
      Atomics.store(cells, 0, 0);
      Atomics.notify(cells, 0, 1);
      if (Atomics.compareExchange(cells, 0, 0, 1) === 0) {
        barged++;
        Atomics.store(cells, 0, 0);
        Atomics.notify(cells, 0, 1);
      }
      expect(await nextMessage(worker)).toBe('got it');
    }
    expect(barged).toBeGreaterThan(0);
  });
});
