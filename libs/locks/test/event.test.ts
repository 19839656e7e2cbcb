import { setImmediate as turn } from 'node:timers/promises';
import { Condition, Event } from '../src/index';

describe('Event', () => {
  it('wakes every waiter on set() and lets later waits through until clear()', async () => {
    const event = new Event({ name: 'ready' });
    let woken = 0;
    const waits = [1, 2, 3].map(() => event.wait().then(() => woken++));
    await turn();
    expect(woken).toBe(0);
    expect(event.stats.waiters).toBe(3);
    event.set();
    await Promise.all(waits);
    expect(woken).toBe(3);
    await event.wait();
    event.clear();
    expect(event.isSet()).toBe(false);
    await expect(event.wait({ timeout: 5 })).rejects.toMatchObject({ code: 'ERR_LOCK_TIMEOUT' });
    expect(event.stats).toMatchObject({ acquisitions: 4, contended: 3, timeouts: 1, waiters: 0 });
  });

  it('negative control: a Condition notify() in its place wakes only one of the waiters', async () => {
    const cond = new Condition();
    let woken = 0;
    const waits = [1, 2, 3].map(async () => {
      using token = await cond.acquire();
      await cond.wait(token, { timeout: 50 }).then(
        () => woken++,
        () => undefined,
      );
    });
    await turn();
    {
      using _token = await cond.acquire();
      cond.notify();
    }
    await Promise.all(waits);
    expect(woken).toBe(1);
  });

  it('rejects an aborted wait with the signal reason and keeps the other waiters', async () => {
    const event = new Event();
    const controller = new AbortController();
    const reason = new Error('cancelled');
    const aborted = event.wait({ signal: controller.signal });
    const kept = event.wait();
    controller.abort(reason);
    await expect(aborted).rejects.toBe(reason);
    event.set();
    await expect(kept).resolves.toBeUndefined();
  });
});
