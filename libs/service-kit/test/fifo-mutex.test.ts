import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { FifoMutex } from '../src/index';

/** What the property needs from a lock; the negative controls plug in broken ones. */
interface Lock {
  acquire(): Promise<void>;
  release(): void;
}

/** No exclusion at all: every acquire succeeds at once. */
class NoLock implements Lock {
  acquire(): Promise<void> {
    return Promise.resolve();
  }
  release(): void {
    // nothing to hand over
  }
}

/** Exclusive but unfair: release hands the lock to the newest waiter. */
class LifoLock implements Lock {
  #locked = false;
  readonly #waiters: Array<() => void> = [];
  acquire(): Promise<void> {
    if (!this.#locked) {
      this.#locked = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
  release(): void {
    const next = this.#waiters.pop();
    if (next) next();
    else this.#locked = false;
  }
}

interface RunReport {
  maxHolders: number;
  requested: number[];
  granted: number[];
}

/**
 * `tasks` tasks start in an order the scheduler picks, each acquire → hold across a scheduled
 * await → release. Records how many held the lock at once, and the order of acquire calls vs grants.
 */
async function exercise(
  lock: Lock,
  s: fc.Scheduler,
  tasks: number,
  holdSteps: number,
): Promise<RunReport> {
  let holders = 0;
  let maxHolders = 0;
  const requested: number[] = [];
  const granted: number[] = [];
  const task = async (id: number) => {
    await s.schedule(Promise.resolve(), `start ${id}`);
    requested.push(id);
    await lock.acquire();
    granted.push(id);
    holders++;
    maxHolders = Math.max(maxHolders, holders);
    for (let step = 0; step < holdSteps; step++)
      await s.schedule(Promise.resolve(), `hold ${id}.${step}`);
    holders--;
    lock.release();
  };
  const all = Promise.all(Array.from({ length: tasks }, (_, id) => task(id)));
  await s.waitIdle();
  await all;
  return { maxHolders, requested, granted };
}

const scenario = fc.tuple(
  fc.scheduler(),
  fc.integer({ min: 1, max: 12 }),
  fc.integer({ min: 1, max: 3 }),
);

describe('FifoMutex under a random schedule', () => {
  it('never has two holders at once and grants in acquisition order', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async ([s, tasks, holdSteps]) => {
        const mutex = new FifoMutex();
        const report = await exercise(mutex, s, tasks, holdSteps);
        expect(report.maxHolders).toBe(1);
        expect(report.granted).toEqual(report.requested);
        expect(report.granted).toHaveLength(tasks);
        expect(mutex.locked).toBe(false);
      }),
      { numRuns: 200 },
    );
  });

  it('negative control: the same check catches a lock that does not exclude', async () => {
    const details = await fc.check(
      fc.asyncProperty(scenario, async ([s, tasks, holdSteps]) => {
        const report = await exercise(new NoLock(), s, tasks, holdSteps);
        expect(report.maxHolders).toBe(1);
      }),
      { numRuns: 200 },
    );
    expect(details.failed).toBe(true);
  });

  it('negative control: the same check catches a lock that grants out of order', async () => {
    const details = await fc.check(
      fc.asyncProperty(scenario, async ([s, tasks, holdSteps]) => {
        const report = await exercise(new LifoLock(), s, tasks, holdSteps);
        expect(report.maxHolders).toBe(1);
        expect(report.granted).toEqual(report.requested);
      }),
      { numRuns: 200 },
    );
    expect(details.failed).toBe(true);
  });
});

describe('FifoMutex', () => {
  it('is unlocked when new, locked while held, and unlocked after the last release', async () => {
    const mutex = new FifoMutex();
    expect(mutex.locked).toBe(false);
    await mutex.acquire();
    expect(mutex.locked).toBe(true);
    mutex.release();
    expect(mutex.locked).toBe(false);
  });

  it('throws on release while unlocked', () => {
    const mutex = new FifoMutex();
    expect(() => mutex.release()).toThrow(Error);
  });

  it('throws on a second release after one acquire', async () => {
    const mutex = new FifoMutex();
    await mutex.acquire();
    mutex.release();
    expect(() => mutex.release()).toThrow(Error);
  });

  it('hands the lock straight to the oldest waiter, so a newcomer cannot barge in', async () => {
    const mutex = new FifoMutex();
    const order: string[] = [];
    await mutex.acquire();
    const waiter = mutex.acquire().then(() => order.push('waiter'));
    mutex.release();
    // The lock never became free: a newcomer arriving now queues behind the waiter.
    expect(mutex.locked).toBe(true);
    const newcomer = mutex.acquire().then(() => order.push('newcomer'));
    await waiter;
    expect(order).toEqual(['waiter']);
    mutex.release();
    await newcomer;
    expect(order).toEqual(['waiter', 'newcomer']);
    mutex.release();
    expect(mutex.locked).toBe(false);
  });
});
