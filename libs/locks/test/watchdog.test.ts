import {
  LockOwner,
  LockWatchdog,
  Mutex,
  SharedEvent,
  SharedMutex,
  type Inspectable,
  type LockInspection,
  type StallReport,
  type WatchdogOptions,
} from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { nextMessage, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

describe('LockWatchdog', () => {
  it('reports the holder and the waiters of a wait longer than the threshold', async () => {
    const mutex = new Mutex({ name: 'stuck' });
    const held = await mutex.acquire({ owner: new LockOwner('holder') });
    const waiting = mutex.acquire({ owner: new LockOwner('waiter') });
    const watchdog = new LockWatchdog({ thresholdMs: 20 }).watch(mutex);
    let reports: StallReport[] = [];
    await until(() => (reports = watchdog.check()).length > 0, { what: 'a stall report' });
    expect(reports).toMatchObject([
      { name: 'stuck', kind: 'Mutex', holders: [{ id: 'holder' }], waiters: [{ id: 'waiter' }] },
    ]);
    expect(reports[0]?.longestWaitMs).toBeGreaterThanOrEqual(20);
    held.unlock();
    (await waiting).unlock();
    expect(watchdog.check()).toEqual([]);
  });

  it('checks every thresholdMs / 2 by default, at most every 10 ms', () => {
    expect(new LockWatchdog({ thresholdMs: 1000 }).intervalMs).toBe(500);
    expect(new LockWatchdog({ thresholdMs: 5 }).intervalMs).toBe(10);
    expect(new LockWatchdog({ thresholdMs: 1000, intervalMs: 7 }).intervalMs).toBe(7);
  });

  it('reports a wait of exactly thresholdMs, not one just under it', () => {
    // A fixed report, so the boundary is exact: any Inspectable may be watched.
    const inspection: LockInspection = {
      name: 'fixed',
      kind: 'Mutex',
      holders: [],
      waiters: [
        { id: 'under', waitedMs: 99.9 },
        { id: 'at', waitedMs: 100 },
      ],
    };
    const lock: Inspectable = {
      name: 'fixed',
      stats: new Mutex({ name: 'fixed' }).stats,
      inspect: () => inspection,
    };
    const [report, ...rest] = new LockWatchdog({ thresholdMs: 100 }).watch(lock).check();
    expect(rest).toEqual([]);
    expect(report).toMatchObject({ longestWaitMs: 100, waiters: [{ id: 'at', waitedMs: 100 }] });
    expect(report?.waiters).toHaveLength(1);
  });

  it('negative control: a wait shorter than the threshold is not reported', async () => {
    const mutex = new Mutex();
    const held = await mutex.acquire();
    const waiting = mutex.acquire();
    expect(new LockWatchdog({ thresholdMs: 60_000 }).watch(mutex).check()).toEqual([]);
    held.unlock();
    (await waiting).unlock();
  });

  /**
   * Starts a watchdog (from `create`) on a stalled mutex, disposes of it after two reports, and
   * counts the reports that come while the stall goes on for ten more intervals.
   */
  async function reportsAfterDispose(
    create: (options: WatchdogOptions) => LockWatchdog,
  ): Promise<number> {
    const mutex = new Mutex({ name: 'm' });
    const held = await mutex.acquire();
    const waiting = mutex.acquire();
    const stalls: StallReport[] = [];
    {
      using _watchdog = create({
        thresholdMs: 5,
        intervalMs: 5,
        onStall: (report) => stalls.push(report),
      })
        .watch(mutex)
        .start();
      await until(() => stalls.length >= 2, { what: 'two periodic reports' });
    }
    const seen = stalls.length;
    // Holder and waiter stay: a watchdog still running would report the stall again.
    await new Promise((resolve) => setTimeout(resolve, 50));
    const after = stalls.length - seen;
    held.unlock();
    (await waiting).unlock();
    return after;
  }

  it('calls onStall periodically once started, and stops', async () => {
    expect(await reportsAfterDispose((options) => new LockWatchdog(options))).toBe(0);
  });

  it('negative control: a watchdog whose dispose does nothing goes on reporting', async () => {
    class NeverStops extends LockWatchdog {
      override stop(): void {
        // Broken on purpose; finish() is the real stop, for after the test.
      }
      finish(): void {
        super.stop();
      }
    }
    let watchdog: NeverStops | undefined;
    try {
      const reports = await reportsAfterDispose((options) => (watchdog = new NeverStops(options)));
      expect(reports).toBeGreaterThan(0);
    } finally {
      watchdog?.finish();
    }
  });

  it('sees, from the main thread, a worker holding a shared mutex and another thread waiting', async () => {
    const mutex = new SharedMutex({ name: 'shared' });
    const release = new SharedEvent();
    const holder = startWorker('hold-until-event.js', {
      mutex: mutex.handle,
      release: release.handle,
    });
    expect(await nextMessage(holder)).toBe('held');
    const waiter = startWorker('queue-for-mutex.js', {
      mutex: mutex.handle,
      log: new SharedArrayBuffer(8),
      id: 1,
    });
    const watchdog = new LockWatchdog({ thresholdMs: 20 }).watch(mutex);
    let reports: StallReport[] = [];
    await until(() => (reports = watchdog.check()).length > 0, { what: 'a stall report' });
    expect(reports).toMatchObject([
      {
        name: 'shared',
        kind: 'SharedMutex',
        holders: [{ id: `thread ${holder.threadId}` }],
        waiters: [{ id: `thread ${waiter.threadId}` }],
      },
    ]);
    // The first waiter stamped the uncontended grant as it arrived: one clock reading for the
    // whole report makes the holder's age at least the waiter's, so at least the threshold.
    const [held] = reports[0]?.holders ?? [];
    const [waited] = reports[0]?.waiters ?? [];
    expect(held?.heldMs).toBeGreaterThanOrEqual(waited?.waitedMs ?? Infinity);
    expect(held?.heldMs).toBeGreaterThanOrEqual(20);
    release.set();
    await nextMessage(waiter);
  });
});
