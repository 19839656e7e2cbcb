import { setImmediate as turn } from 'node:timers/promises';
import { SharedCondition, SharedMutex } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { nextMessage, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

describe('SharedCondition across threads', () => {
  it('hands every produced item to exactly one consuming thread', async () => {
    const condition = new SharedCondition({ name: 'queue' });
    const items = 200;
    // [head, tail, items...]
    const queue = new Int32Array(new SharedArrayBuffer(4 * (2 + items + 1)));
    const consumers = [1, 2, 3].map(() =>
      startWorker('consumer.js', { condition: condition.handle, queue: queue.buffer }),
    );
    for (let item = 1; item <= items + 1; item++) {
      using _token = await condition.acquire();
      const tail = Atomics.load(queue, 1);
      queue[2 + tail] = item <= items ? item : -1; // -1: no more
      Atomics.store(queue, 1, tail + 1);
      condition.notifyAll();
      if (item % 20 === 0) await turn();
    }
    const sums = await Promise.all(consumers.map((worker) => nextMessage<number>(worker)));
    expect(sums.reduce((a, b) => a + b, 0)).toBe((items * (items + 1)) / 2);
  });

  it('notify(n) wakes exactly n waiting threads, oldest first', async () => {
    const condition = new SharedCondition();
    const woken = new Int32Array(new SharedArrayBuffer(4));
    const workers = [];
    for (let i = 1; i <= 3; i++) {
      const worker = startWorker('wait-notify.js', {
        condition: condition.handle,
        woken: woken.buffer,
      });
      workers.push(worker);
      await nextMessage(worker); // holds the mutex until its waitSync releases it
      await until(() => condition.stats.waiters === i, { what: `waiter ${i} to register` });
    }
    const inspected = condition.inspect().waiters.map((w) => w.id);
    expect(inspected).toEqual(workers.map((worker) => `thread ${worker.threadId}`));
    {
      using _token = await condition.acquire();
      expect(condition.notify(2)).toBe(2);
    }
    await Promise.all(workers.slice(0, 2).map((worker) => nextMessage(worker)));
    expect(Atomics.load(woken, 0)).toBe(2);
    expect(condition.stats.waiters).toBe(1);
    {
      using _token = await condition.acquire();
      expect(condition.notifyAll()).toBe(1);
    }
    const [, , last] = workers;
    if (last) await nextMessage(last);
    expect(Atomics.load(woken, 0)).toBe(3);
  });

  it('counts a notified wait as a contended acquisition of the condition', async () => {
    const condition = new SharedCondition();
    const token = await condition.acquire();
    const waited = condition.wait(token, { timeout: 10_000 });
    {
      using _notifier = await condition.acquire();
      expect(condition.notify()).toBe(1);
    }
    await waited;
    token.unlock();
    expect(condition.stats).toMatchObject({ acquisitions: 1, contended: 1, waiters: 0 });
  });

  it('negative control: a notify before the thread waits wakes nobody (why waitFor re-checks)', async () => {
    const condition = new SharedCondition();
    {
      using _token = await condition.acquire();
      expect(condition.notify()).toBe(0);
    }
    using token = await condition.acquire();
    await expect(condition.wait(token, { timeout: 10 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    expect(condition.mutex.locked).toBe(true); // held again after the timeout
  });

  it('requires the mutex: notify() and wait() without it throw ERR_LOCK_NOT_OWNER', async () => {
    const mutex = new SharedMutex();
    const condition = new SharedCondition({ mutex });
    expect(condition.mutex).toBe(mutex);
    expect(() => condition.notify()).toThrow(
      expect.objectContaining({ code: 'ERR_LOCK_NOT_OWNER' }),
    );
    const other = await new SharedMutex().acquire();
    await expect(condition.wait(other)).rejects.toMatchObject({ code: 'ERR_LOCK_NOT_OWNER' });
  });
});
