import { getEventListeners } from 'node:events';
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

  it('refuses a wait whose signal is already aborted even when the event is set, counting an abort', async () => {
    const event = new Event();
    event.set();
    const reason = new Error('deadline passed');
    await expect(event.wait({ signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    // The control: the same set event lets a live signal's wait through.
    await expect(event.wait({ signal: new AbortController().signal })).resolves.toBeUndefined();
    expect(event.stats).toMatchObject({ aborts: 1, acquisitions: 1, waiters: 0 });
  });

  it('leaves no abort listener on a long-lived signal once its wait is over', async () => {
    const event = new Event();
    const { signal } = new AbortController();
    const waiting = event.wait({ signal });
    expect(getEventListeners(signal, 'abort')).toHaveLength(1); // the control: it listens
    event.set();
    await waiting;
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});
