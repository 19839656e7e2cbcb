import { SharedCondition, SharedEvent, SharedRWLock, SharedSemaphore } from '../src/index';
import { until } from '@concurrency-lab/launcher/testing';
import { nextMessage, runAll, startWorker, terminateAll } from './support/workers';

afterEach(terminateAll);

// The waiter ring of SharedSemaphore, SharedEvent, SharedRWLock and SharedCondition holds
// `maxWaiters` waiters (a power of two here, so exactly that many). A wait that timed out
// behind a live waiter used to keep its slot until that waiter was served: with one thread
// waiting for good, the ring was full after maxWaiters - 1 timeouts, and every later wait threw
// ERR_LOCK_TOO_MANY_WAITERS. The bound must count live waiters only.
const MAX_WAITERS = 4;
/** More give-ups than slots: each of them needs a slot a former one gave back. */
const GIVE_UPS = 3 * MAX_WAITERS;
/**
 * The timeout of the waits that are meant to be served: long enough never to expire in a
 * passing run, finite so that a failing run cannot leave a wait keeping jest alive.
 */
const PATIENT = 10_000;

/** How a wait ended: 'served' or its error code. */
const outcome = (wait: Promise<unknown>): Promise<string> =>
  wait.then(
    () => 'served',
    (error: { code?: string; message?: string }) => error.code ?? `no code: ${error.message}`,
  );

/** One primitive as these tests drive it, with nothing letting its waiters through yet. */
interface Subject {
  readonly waiters: () => number;
  /** A wait that queues until served or `timeout`. */
  readonly wait: (timeout: number) => Promise<unknown>;
  /** Lets the oldest waiter through (an event: every waiter queued now, in no set order). */
  readonly serve: () => Promise<void>;
  /** Whether serve() lets every waiter through at once. */
  readonly wakesAll: boolean;
}

function semaphore(): Subject {
  const semaphore = new SharedSemaphore({ permits: 0, maxWaiters: MAX_WAITERS });
  return {
    waiters: () => semaphore.stats.waiters,
    wait: (timeout) => semaphore.acquire({ timeout }),
    serve: async () => semaphore.release(),
    wakesAll: false,
  };
}

function event(): Subject {
  const event = new SharedEvent({ maxWaiters: MAX_WAITERS });
  return {
    waiters: () => event.stats.waiters,
    wait: (timeout) => event.wait({ timeout }),
    serve: async () => {
      event.set(); // grants every queued waiter before it returns (the guard is free here)
      event.clear();
    },
    wakesAll: true,
  };
}

/** Writers queue behind a writer: each release serves the oldest, who then holds it. */
function rwLock(): Subject {
  const lock = new SharedRWLock({ maxWaiters: MAX_WAITERS });
  let holder = lock.write.tryAcquire();
  return {
    waiters: () => lock.stats.waiters,
    wait: (timeout) =>
      lock.write.acquire({ timeout }).then((token) => {
        holder = token;
      }),
    serve: async () => {
      holder?.unlock();
    },
    wakesAll: false,
  };
}

/** Waiters in the main thread: each acquires the mutex and waits with its token. */
function condition(): Subject {
  const condition = new SharedCondition({ maxWaiters: MAX_WAITERS });
  return {
    waiters: () => condition.stats.waiters,
    wait: async (timeout) => {
      using token = await condition.acquire();
      await condition.wait(token, { timeout });
    },
    serve: async () => {
      using _token = await condition.acquire();
      condition.notify(1);
    },
    wakesAll: false,
  };
}

const subjects: [string, () => Subject][] = [
  ['SharedSemaphore', semaphore],
  ['SharedEvent', event],
  ['SharedRWLock (writers)', rwLock],
  ['SharedCondition', condition],
];

/** Starts a wait that records its name in `order` when served. */
function tracked(
  subject: Subject,
  order: string[],
  name: string,
  timeout = PATIENT,
): Promise<string> {
  return outcome(subject.wait(timeout).then(() => order.push(name)));
}

/** Waits until `count` waiters queue; fails at once instead if one of `waits` ends (refused). */
async function queued(subject: Subject, count: number, waits: Promise<string>[]): Promise<void> {
  let ended: string | undefined;
  for (const wait of waits) void wait.then((result) => (ended ??= result));
  await until(() => ended !== undefined || subject.waiters() === count, {
    what: `${count} waiters to queue`,
  });
  expect(ended).toBeUndefined();
}

describe.each(subjects)('%s waiter slots', (_kind, make) => {
  it('are given back by waits that time out behind a live waiter', async () => {
    const subject = make();
    const order: string[] = [];
    const front = tracked(subject, order, 'front');
    await until(() => subject.waiters() === 1, { what: 'the front waiter to queue' });
    const gaveUp: string[] = [];
    for (let i = 0; i < GIVE_UPS; i++) gaveUp.push(await outcome(subject.wait(1)));
    expect(gaveUp).toEqual(Array<string>(GIVE_UPS).fill('ERR_LOCK_TIMEOUT'));
    expect(subject.waiters()).toBe(1);
    const fresh = tracked(subject, order, 'fresh'); // refused with TOO_MANY_WAITERS before
    await queued(subject, 2, [front, fresh]);
    await subject.serve();
    expect(await front).toBe('served');
    if (!subject.wakesAll) {
      expect(subject.waiters()).toBe(1); // the fresh waiter still queues, behind the front one
      await subject.serve();
    }
    expect(await fresh).toBe('served');
    if (!subject.wakesAll) expect(order).toEqual(['front', 'fresh']);
    expect(subject.waiters()).toBe(0);
  });

  it('negative control: maxWaiters live waiters fill them, the next wait is refused', async () => {
    const subject = make();
    const order: string[] = [];
    const live = Array.from({ length: MAX_WAITERS }, (_, i) => tracked(subject, order, `w${i}`));
    await queued(subject, MAX_WAITERS, live);
    expect(await outcome(subject.wait(PATIENT))).toBe('ERR_LOCK_TOO_MANY_WAITERS');
    expect(await outcome(subject.wait(1))).toBe('ERR_LOCK_TOO_MANY_WAITERS');
    for (let served = 0; served < MAX_WAITERS; served++) {
      await subject.serve();
      if (subject.wakesAll) break;
      await live[served];
    }
    expect(await Promise.all(live)).toEqual(Array<string>(MAX_WAITERS).fill('served'));
    if (!subject.wakesAll) expect(order).toEqual(live.map((_, i) => `w${i}`));
  });
});

// SharedEvent's set() serves all its waiters at once: no order among them to check.
describe.each(subjects.filter(([kind]) => kind !== 'SharedEvent'))(
  '%s reclaiming slots between live waiters',
  (_kind, make) => {
    it('keeps arrival order, and counts exactly the live waiters against maxWaiters', async () => {
      const subject = make();
      const order: string[] = [];
      // Queued in this order (the guard, or the condition's mutex, is FIFO): a, doomed, b.
      const a = tracked(subject, order, 'a');
      const doomed = tracked(subject, order, 'doomed', 1);
      const b = tracked(subject, order, 'b');
      expect(await doomed).toBe('ERR_LOCK_TIMEOUT');
      await queued(subject, 2, [a, b]);
      expect(await outcome(subject.wait(1))).toBe('ERR_LOCK_TIMEOUT');
      // Four positions taken (a, doomed, b, the last give-up), two live: c and d get in.
      const c = tracked(subject, order, 'c');
      const d = tracked(subject, order, 'd');
      await queued(subject, MAX_WAITERS, [a, b, c, d]);
      expect(await outcome(subject.wait(PATIENT))).toBe('ERR_LOCK_TOO_MANY_WAITERS');
      for (const next of [a, b, c, d]) {
        await subject.serve();
        expect(await next).toBe('served');
      }
      expect(order).toEqual(['a', 'b', 'c', 'd']);
      expect(subject.waiters()).toBe(0);
    });
  },
);

describe('waiter slots across threads', () => {
  it('SharedCondition: a thread polling with timeouts gets in while another waits', async () => {
    const condition = new SharedCondition({ name: 'polled', maxWaiters: MAX_WAITERS });
    const woken = new Int32Array(new SharedArrayBuffer(4));
    const patient = startWorker('wait-notify.js', {
      condition: condition.handle,
      woken: woken.buffer,
    });
    expect(await nextMessage(patient)).toBe('waiting');
    await until(() => condition.stats.waiters === 1, { what: 'the patient thread to wait' });
    const poller = startWorker('condition-poll.js', {
      condition: condition.handle,
      rounds: GIVE_UPS,
      timeout: 1,
    });
    expect(await nextMessage(poller)).toEqual(Array<string>(GIVE_UPS).fill('ERR_LOCK_TIMEOUT'));
    expect(condition.stats.waiters).toBe(1);

    // Negative control: live waiters of any thread still count. The main thread fills the
    // slots the patient thread leaves, and one wait more is refused.
    const mainWaits = Array.from({ length: MAX_WAITERS - 1 }, () => waitOnce(condition));
    await until(() => condition.stats.waiters === MAX_WAITERS, { what: 'the main waits' });
    expect(await outcome(waitOnce(condition))).toBe('ERR_LOCK_TOO_MANY_WAITERS');

    // FIFO across threads: the patient thread, first in, is the one notify(1) wakes.
    notify(condition, 1);
    expect(await nextMessage(patient)).toBe('woken');
    expect(Atomics.load(woken, 0)).toBe(1);
    expect(condition.stats.waiters).toBe(MAX_WAITERS - 1);
    notify(condition, MAX_WAITERS);
    expect(await Promise.all(mainWaits.map(outcome))).toEqual(
      Array<string>(MAX_WAITERS - 1).fill('served'),
    );
  });

  it('SharedSemaphore: threads whose timeouts race grants never find the ring full', async () => {
    // Three threads, one wait each at most, four slots. The timeouts (sub-millisecond, against
    // a holder that stays in ~10 µs) keep giving up behind a live waiter; their slots used to
    // stay taken until it was served, so the ring filled and waits threw TOO_MANY_WAITERS.
    // (That the bound still refuses live waiters past it: the negative controls above.)
    const threads = 3;
    const rounds = 3000;
    const semaphore = new SharedSemaphore({ permits: 1, maxWaiters: MAX_WAITERS });
    const cells = new Int32Array(new SharedArrayBuffer(12)); // [inside, overlaps, started]
    const race = { semaphore: semaphore.handle, cells: cells.buffer, rounds, parties: threads };
    const tallies = await runAll<Record<string, number>>(
      'semaphore-timeout-race.js',
      Array<unknown>(threads).fill(race),
    );
    const total: Record<string, number> = {};
    for (const tally of tallies) {
      for (const [key, count] of Object.entries(tally)) total[key] = (total[key] ?? 0) + count;
    }
    expect(Object.keys(total).sort()).toEqual(['ERR_LOCK_TIMEOUT', 'granted']); // nothing else
    expect((total['granted'] ?? 0) + (total['ERR_LOCK_TIMEOUT'] ?? 0)).toBe(threads * rounds);
    expect(Atomics.load(cells, 1)).toBe(0); // one permit: never two inside
    expect(semaphore.stats).toMatchObject({
      acquisitions: total['granted'],
      timeouts: total['ERR_LOCK_TIMEOUT'],
      holders: 0,
      waiters: 0,
    });
    expect(semaphore.value).toBe(1);
  });
});

/** A main-thread wait on `condition`: takes its mutex, waits, and gives the mutex back. */
async function waitOnce(condition: SharedCondition): Promise<void> {
  using token = await condition.acquire();
  await condition.wait(token, { timeout: PATIENT });
}

function notify(condition: SharedCondition, count: number): void {
  const token = condition.tryAcquire();
  if (token === null) throw new Error('the mutex should be free between waits');
  try {
    condition.notify(count);
  } finally {
    token.unlock();
  }
}
