import { AsyncLocalStorage } from 'node:async_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  Barrier,
  BoundedSemaphore,
  Condition,
  Event,
  Mutex,
  observeLocks,
  RLock,
  RWLock,
  Semaphore,
  SharedCondition,
  SharedMutex,
  type LockObserver,
  type ObservedLock,
} from '../src/index';

/** What a telemetry adapter would do with the hook: one histogram per (kind of time, lock). */
function recorder(): LockObserver & { events: [string, string, number][]; seen(): string[] } {
  const events: [string, string, number][] = [];
  return {
    events,
    /** The events as `kind:lock name`, in order: what most tests compare. */
    seen: () => events.map(([kind, name]) => `${kind}:${name}`),
    onAcquire: (lock: ObservedLock, waitMs: number) => events.push(['wait', lock.name, waitMs]),
    onRelease: (lock: ObservedLock, holdMs: number) => events.push(['hold', lock.name, holdMs]),
    onGiveUp: (lock: ObservedLock, waitMs: number, reason: string) =>
      events.push([reason, lock.name, waitMs]),
  };
}

describe('instrumentation hook', () => {
  it('reports wait and hold times of a per-lock observer', async () => {
    const observer = recorder();
    const mutex = new Mutex({ name: 'counter', observer });
    const first = await mutex.acquire();
    const second = mutex.acquire();
    await sleep(5);
    first.unlock();
    (await second).unlock();
    expect(observer.seen()).toEqual([
      'wait:counter',
      'hold:counter',
      'wait:counter',
      'hold:counter',
    ]);
    const [, secondWait] = observer.events.filter(([kind]) => kind === 'wait');
    expect(secondWait?.[2]).toBeGreaterThan(0);
    const [firstHold] = observer.events.filter(([kind]) => kind === 'hold');
    expect(firstHold?.[2]).toBeGreaterThan(0);
  });

  it('reports every lock to a global observer until it unobserves', async () => {
    const observer = recorder();
    const registration = observeLocks(observer);
    const semaphore = new Semaphore({ name: 'pool' });
    (await semaphore.acquire()).unlock();
    await new Event({ name: 'never' }).wait({ timeout: 1 }).catch(() => undefined);
    registration.unobserve();
    (await semaphore.acquire()).unlock();
    expect(observer.seen()).toEqual(['wait:pool', 'hold:pool', 'timeout:never']);
  });

  it('reports a timed-out wait with the time it waited', async () => {
    const observer = recorder();
    const mutex = new Mutex({ name: 'm', observer });
    const holder = await mutex.acquire();
    await expect(mutex.acquire({ timeout: 40 })).rejects.toMatchObject({
      code: 'ERR_LOCK_TIMEOUT',
    });
    holder.unlock();
    const [gaveUp] = observer.events.filter(([kind]) => kind === 'timeout');
    // Node's timers may fire up to 1 ms early by performance.now() (they count whole
    // milliseconds: nodejs/node#26578), hence 39 and not 40.
    expect(gaveUp?.[2]).toBeGreaterThanOrEqual(39);
  });

  it('reports a wait refused for an already aborted signal as an abort of 0 ms, on every in-loop primitive', async () => {
    const observer = recorder();
    const reason = new Error('cancelled before asking');
    const signal = AbortSignal.abort(reason);
    const rw = new RWLock({ name: 'RWLock', observer });
    const condition = new Condition({ name: 'Condition', observer });
    const token = await condition.acquire();
    const waits: Array<() => Promise<unknown>> = [
      () => new Mutex({ name: 'Mutex', observer }).acquire({ signal }),
      () => new RLock({ name: 'RLock', observer }).acquire({ signal }),
      () => new Semaphore({ name: 'Semaphore', observer }).acquire({ signal }),
      () => new BoundedSemaphore({ name: 'BoundedSemaphore', observer }).acquire({ signal }),
      () => rw.read.acquire({ signal }),
      () => rw.write.acquire({ signal }),
      () => new Event({ name: 'Event', observer }).wait({ signal }),
      () => condition.wait(token, { signal }),
      () => new Barrier({ parties: 2, name: 'Barrier', observer }).wait({ signal }),
    ];
    for (const wait of waits) await expect(wait()).rejects.toBe(reason);
    token.unlock();
    expect(observer.events).toEqual(
      [
        'Mutex',
        'RLock',
        'Semaphore',
        'BoundedSemaphore',
        'RWLock',
        'RWLock',
        'Event',
        'Condition',
        'Barrier',
      ].map((name) => ['abort', name, 0]),
    );
  });

  it('tells every global observer of an event even when one unobserves itself in its callback', async () => {
    const seen: string[] = [];
    const first = observeLocks({
      onAcquire: () => {
        seen.push('first');
        first.unobserve();
      },
    });
    const second = observeLocks({ onAcquire: () => seen.push('second') });
    try {
      (await new Mutex().acquire()).unlock();
      (await new Mutex().acquire()).unlock();
    } finally {
      first.unobserve();
      second.unobserve();
    }
    // The second acquisition is the control: the first observer really is gone.
    expect(seen).toEqual(['first', 'second', 'second']);
  });

  it('keeps the other observers when one registration is unobserved twice', async () => {
    const seen: string[] = [];
    const first = observeLocks({ onAcquire: () => seen.push('first') });
    const second = observeLocks({ onAcquire: () => seen.push('second') });
    try {
      first.unobserve();
      first[Symbol.dispose](); // `using` after an explicit unobserve(): must be a no-op
      (await new Mutex().acquire()).unlock();
    } finally {
      second.unobserve();
    }
    expect(seen).toEqual(['second']);
  });

  it('refuses an aborted signal with its reason even with a zero timeout, counted as an abort', async () => {
    const observer = recorder();
    const reason = new Error('cancelled before asking');
    const options = { timeout: 0, signal: AbortSignal.abort(reason) };
    const mutex = new Mutex({ name: 'Mutex', observer });
    const condition = new Condition({ name: 'Condition', observer });
    const held = await mutex.acquire();
    const token = await condition.acquire();
    const primitives = [
      [mutex, () => mutex.acquire(options)],
      [new Event({ name: 'Event', observer }), (event: Event) => event.wait(options)],
      [condition, () => condition.wait(token, options)],
      [new Barrier({ parties: 2, name: 'Barrier', observer }), (b: Barrier) => b.wait(options)],
    ] as const;
    for (const [primitive, wait] of primitives) {
      await expect((wait as (p: unknown) => Promise<unknown>)(primitive)).rejects.toBe(reason);
      expect(primitive.stats).toMatchObject({ aborts: 1, timeouts: 0 });
    }
    held.unlock();
    token.unlock();
    expect(observer.events.filter(([kind]) => kind !== 'wait' && kind !== 'hold')).toEqual(
      ['Mutex', 'Event', 'Condition', 'Barrier'].map((name) => ['abort', name, 0]),
    );
  });

  it('reports shared locks too, in the acquiring thread', async () => {
    const observer = recorder();
    const mutex = new SharedMutex({ name: 'shared', observer });
    (await mutex.acquire()).unlock();
    expect(observer.seen()).toEqual(['wait:shared', 'hold:shared']);
  });

  it('reports a SharedMutex wait aborted while queued as an abort, not a timeout', async () => {
    const observer = recorder();
    const mutex = new SharedMutex({ name: 'shared', observer });
    const holder = mutex.tryAcquire();
    const controller = new AbortController();
    const waiting = mutex.acquire({ signal: controller.signal });
    await sleep(5);
    controller.abort();
    await expect(waiting).rejects.toBe(controller.signal.reason);
    holder?.unlock();
    expect(observer.seen()).toEqual(['wait:shared', 'abort:shared', 'hold:shared']);
    expect(mutex.stats).toMatchObject({ aborts: 1, timeouts: 0 });
  });

  it('reports the token-less SharedMutex.release() as a release, and its token reads unlocked', async () => {
    const observer = recorder();
    const mutex = new SharedMutex({ name: 'shared', observer });
    (await mutex.acquire()).unlock();
    const token = await mutex.acquire();
    await sleep(2);
    mutex.release();
    expect(token.locked).toBe(false);
    expect(token.unlock()).toBe(false);
    const sync = mutex.tryAcquire();
    mutex.release();
    expect(sync?.locked).toBe(false);
    expect(observer.events.map(([kind]) => kind)).toEqual([
      'wait',
      'hold',
      'wait',
      'hold',
      'wait',
      'hold',
    ]);
    expect(observer.events[3]?.[2]).toBeGreaterThan(1); // the hold time of that hold
    expect(mutex.locked).toBe(false);
  });

  it('ends a SharedCondition waiter’s hold by release() too, after another task held the mutex', async () => {
    const observer = recorder();
    const mutex = new SharedMutex({ name: 'm', observer });
    const condition = new SharedCondition({ mutex });
    const token = await condition.acquire();
    const waiting = condition.wait(token, { timeout: 1000 });
    (await mutex.acquire()).unlock(); // another task of this thread, while the wait lends it
    await mutex.withLock(() => condition.notify());
    await waiting;
    expect(token.locked).toBe(true);
    mutex.release();
    expect(token.locked).toBe(false);
    expect(mutex.locked).toBe(false);
    expect(observer.events.filter(([kind]) => kind === 'hold')).toHaveLength(3);
  });

  it('keeps the lock working when an observer throws, and warns', async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const mutex = new Mutex({
        observer: {
          onAcquire: () => {
            throw new Error('telemetry bug');
          },
        },
      });
      const token = await mutex.acquire();
      expect(mutex.locked).toBe(true);
      token.unlock();
      expect(mutex.locked).toBe(false);
      expect(emitWarning).toHaveBeenCalledWith(
        expect.stringContaining('telemetry bug'),
        expect.objectContaining({ code: 'ERR_LOCK_OBSERVER_FAILED' }),
      );
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('refuses to register what is not an observer (ERR_LOCK_INVALID_ARGUMENT), as the option does', async () => {
    for (const [value, shown] of [
      [null, '`null`'],
      [5, '`5` (number)'],
      [undefined, '`undefined` (undefined)'],
    ] as const) {
      expect(() => observeLocks(value as unknown as LockObserver)).toThrow(
        expect.objectContaining({
          code: 'ERR_LOCK_INVALID_ARGUMENT',
          message: `Expected \`observer\` to be an object with onAcquire/onRelease/onGiveUp, got ${shown}`,
        }),
      );
    }
    // Nothing was registered: a lock of this thread is not disturbed by the refused calls.
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    try {
      const mutex = new Mutex();
      (await mutex.acquire()).unlock();
      expect(emitWarning).not.toHaveBeenCalled();
    } finally {
      emitWarning.mockRestore();
    }
  });

  it('warns once per throwing observer, not once per throw', async () => {
    const emitWarning = jest.spyOn(process, 'emitWarning').mockImplementation(() => undefined);
    const broken = (): never => {
      throw new Error('telemetry bug');
    };
    const registration = observeLocks({ onAcquire: broken, onRelease: broken });
    try {
      const mutex = new Mutex({ observer: { onRelease: broken } });
      for (let i = 0; i < 100; i++) (await mutex.acquire()).unlock();
      // One warning for the global observer, one for the lock's own: 300 throws in all.
      expect(emitWarning).toHaveBeenCalledTimes(2);
      expect(emitWarning).toHaveBeenCalledWith(
        'a lock observer threw: Error: telemetry bug',
        expect.objectContaining({ type: 'LockObserverError', code: 'ERR_LOCK_OBSERVER_FAILED' }),
      );
    } finally {
      registration.unobserve();
      emitWarning.mockRestore();
    }
  });

  it('reports a queued grant in the acquirer’s async context, not the releaser’s', async () => {
    // Whose request waited: what an observer reads from AsyncLocalStorage (a trace's active span).
    const request = new AsyncLocalStorage<string>();
    const seen: Array<[string | undefined, number]> = [];
    for (const lock of [new Mutex({ name: 'm' }), new Semaphore({ permits: 1, name: 's' })]) {
      seen.length = 0;
      const registration = observeLocks({
        onAcquire: (_lock, waitMs) => seen.push([request.getStore(), waitMs]),
      });
      try {
        const first = await request.run('first', () => lock.acquire());
        const second = request.run('second', () => lock.acquire());
        await sleep(5);
        request.run('releaser', () => first.unlock());
        (await second).unlock();
      } finally {
        registration.unobserve();
      }
      expect(seen.map(([store]) => store)).toEqual(['first', 'second']);
      // Negative control: the waiter's grant really was made by the release (it waited).
      expect(seen[1]?.[1]).toBeGreaterThan(1);
    }
  });

  it('an Event’s waiter is reported in its own context when another task sets it', async () => {
    const request = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const event = new Event({ name: 'e' });
    const registration = observeLocks({ onAcquire: () => seen.push(request.getStore()) });
    try {
      const waiting = request.run('waiter', () => event.wait());
      await sleep(1);
      request.run('setter', () => event.set());
      await waiting;
    } finally {
      registration.unobserve();
    }
    expect(seen).toEqual(['waiter']);
  });
});
