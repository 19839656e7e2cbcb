import fc from 'fast-check';
import { Mutex } from '../src/index';
import { breaks, holds } from './support/properties';
import { BargingLock, LifoLock, type SimpleLock } from './support/unfair-locks';

const tick = (s: fc.Scheduler, label: string): Promise<string> =>
  s.schedule(Promise.resolve(label));

/** Lanes doing read → (interleaving point) → write under `lock` (or no lock at all). */
function noLostUpdates(
  makeLock: () => SimpleLock | undefined,
): fc.IAsyncPropertyWithHooks<[fc.Scheduler, number]> {
  return fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 5 }), async (s, lanes) => {
    const lock = makeLock();
    let value = 0;
    let inside = 0;
    let mostInside = 0;
    const lane = async (id: number): Promise<void> => {
      for (let step = 0; step < 3; step++) {
        await tick(s, `lane ${id} arrives`);
        const token = await lock?.acquire();
        mostInside = Math.max(mostInside, ++inside);
        const seen = value;
        await tick(s, `lane ${id} inside`);
        value = seen + 1;
        inside--;
        token?.unlock();
      }
    };
    await s.waitFor(Promise.all(Array.from({ length: lanes }, (_, id) => lane(id))));
    expect(mostInside).toBe(1);
    expect(value).toBe(lanes * 3);
  });
}

/** Lanes arrive in an order the scheduler picks; grants must follow arrival order. */
function fifo(makeLock: () => SimpleLock): fc.IAsyncPropertyWithHooks<[fc.Scheduler, number]> {
  return fc.asyncProperty(fc.scheduler(), fc.integer({ min: 2, max: 6 }), async (s, lanes) => {
    const lock = makeLock();
    const arrivals: number[] = [];
    const grants: number[] = [];
    const lane = async (id: number): Promise<void> => {
      await tick(s, `lane ${id} arrives`);
      arrivals.push(id);
      const token = await lock.acquire();
      grants.push(id);
      await tick(s, `lane ${id} holds`);
      token.unlock();
    };
    await s.waitFor(Promise.all(Array.from({ length: lanes }, (_, id) => lane(id))));
    expect(grants).toEqual(arrivals);
  });
}

type Acquire = (mutex: Mutex, signal: AbortSignal) => Promise<{ unlock(): boolean }>;

/**
 * Some lanes are aborted at a point the scheduler picks — before they queue, while queued, or
 * just after the grant. Whatever wins, each lane either holds the lock (and releases it once)
 * or has left; the mutex ends free with nobody queued.
 */
function exactlyOnce(acquire: Acquire): fc.IAsyncPropertyWithHooks<[fc.Scheduler, boolean[]]> {
  return fc.asyncProperty(
    fc.scheduler(),
    fc.array(fc.boolean(), { minLength: 2, maxLength: 6 }),
    async (s, abortPlan) => {
      const mutex = new Mutex();
      const reason = new Error('aborted by the test');
      let inside = 0;
      let overlap = false;
      let granted = 0;
      let aborted = 0;
      const lane = async (willAbort: boolean, id: number): Promise<void> => {
        const controller = new AbortController();
        if (willAbort) void tick(s, `abort lane ${id}`).then(() => controller.abort(reason));
        await tick(s, `lane ${id} arrives`);
        let token: { unlock(): boolean };
        try {
          token = await acquire(mutex, controller.signal);
        } catch (error) {
          expect(error).toBe(reason);
          aborted++;
          return;
        }
        granted++;
        overlap ||= ++inside > 1;
        await tick(s, `lane ${id} holds`);
        inside--;
        expect(token.unlock()).toBe(true);
        expect(token.unlock()).toBe(false);
      };
      void Promise.all(abortPlan.map(lane));
      // Idle = nothing left to schedule; a lane stuck behind a leaked lock stays unsettled.
      await s.waitIdle();
      expect(overlap).toBe(false);
      expect(granted + aborted).toBe(abortPlan.length);
      expect(mutex.locked).toBe(false);
      expect(mutex.stats).toMatchObject({ waiters: 0, acquisitions: granted });
    },
  );
}

describe('Mutex properties (fast-check scheduler)', () => {
  it('keeps mutual exclusion and loses no update in any interleaving', async () => {
    await holds(noLostUpdates(() => new Mutex()));
  });

  it('negative control: without the lock some interleaving loses updates', async () => {
    await breaks(noLostUpdates(() => undefined));
  });

  it('grants in arrival order (FIFO) in any interleaving', async () => {
    await holds(fifo(() => new Mutex()));
  });

  it('negative control: a LIFO lock fails the FIFO property', async () => {
    await breaks(fifo(() => new LifoLock()));
  });

  it('releases exactly once when an abort races the grant', async () => {
    await holds(exactlyOnce((mutex, signal) => mutex.acquire({ signal })));
  });

  it('negative control: racing acquire() against the signal from outside leaks the lock', async () => {
    // The common hand-rolled version: the race rejects, but the queued acquire is granted later
    // to nobody, so the mutex stays locked forever.
    const racing: Acquire = (mutex, signal) =>
      Promise.race([
        mutex.acquire(),
        new Promise<never>((_, reject) =>
          signal.addEventListener('abort', () => reject(signal.reason), { once: true }),
        ),
      ]);
    await breaks(exactlyOnce(racing));
  });
});

describe('Mutex fairness', () => {
  // The releaser asks again at once, in the same synchronous step: the classic way a busy task
  // starves a waiter.
  async function reacquireRace(lock: SimpleLock): Promise<string[]> {
    const order: string[] = [];
    const first = await lock.acquire();
    const waiter = lock.acquire().then((token) => {
      order.push('waiter');
      token.unlock();
    });
    await new Promise((resolve) => setImmediate(resolve)); // the waiter is queued now
    first.unlock();
    const again = lock.acquire().then((token) => {
      order.push('releaser again');
      token.unlock();
    });
    await Promise.all([waiter, again]);
    return order;
  }

  it('serves a queued waiter before a releaser that asks again at once', async () => {
    expect(await reacquireRace(new Mutex())).toEqual(['waiter', 'releaser again']);
  });

  it('negative control: a barging lock lets the releaser take it again first', async () => {
    expect(await reacquireRace(new BargingLock())).toEqual(['releaser again', 'waiter']);
  });
});
