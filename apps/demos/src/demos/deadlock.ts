import {
  DeadlockError,
  LockTimeoutError,
  LockWatchdog,
  Mutex,
  SharedMutex,
  type StallReport,
} from '@concurrency-lab/locks';
import { readFileSync } from 'node:fs';
import { setImmediate as tick, setTimeout as sleep } from 'node:timers/promises';
import { defineDemo } from '../demo';
import { integer } from '../knobs';
import { verdictOf } from '../verdict';
import { entryPath } from '../entry-path';
import { fixed } from '../format';
import { Peer, allSay } from '../peer';
import type { DeadlockThreadData } from '../workers/deadlock-thread';

interface Outcome {
  /** `done`, or the error's code. */
  outcomes: string[];
  ms: number;
  detail: string;
}

const codeOf = (r: PromiseSettledResult<unknown>) =>
  r.status === 'fulfilled' ? 'done' : ((r.reason as { code?: string }).code ?? 'error');

async function twoTasks(
  task: (first: Mutex, second: Mutex) => Promise<void>,
  crossed: boolean,
): Promise<Outcome & { errors: unknown[] }> {
  const a = new Mutex({ name: 'A' });
  const b = new Mutex({ name: 'B' });
  const start = performance.now();
  const settled = await Promise.allSettled([task(a, b), crossed ? task(b, a) : task(a, b)]);
  return {
    outcomes: settled.map(codeOf),
    ms: performance.now() - start,
    detail: '',
    errors: settled.flatMap((r): unknown[] => (r.status === 'rejected' ? [r.reason] : [])),
  };
}

/** Anonymous acquisitions: no owner to follow, so only the timeout ends the wait. */
const anonymous = (timeout: number) => async (first: Mutex, second: Mutex) => {
  using _first = await first.acquire({ timeout });
  await tick();
  using _second = await second.acquire({ timeout });
};

/** withLock gives each task an owner: the wait-for graph sees the cycle at once. */
const owned = async (first: Mutex, second: Mutex) =>
  first.withLock(async () => {
    await tick();
    await second.withLock(() => undefined);
  });

/** `deadlock-thread.js:<line>` of the thread entry's second acquire, in the built file. */
function secondAcquire(): string {
  const lines = readFileSync(entryPath('deadlock-thread'), 'utf8').split('\n');
  return `deadlock-thread.js:${lines.findIndex((l) => l.includes('second.acquireSync(')) + 1}`;
}

/**
 * Python's faulthandler, in Node: a diagnostic report interrupts every worker thread — even one
 * asleep in Atomics.wait — for its JavaScript stack. For each of `threads`, the first frame in
 * the demo's own code: where it is stuck.
 */
function threadStacks(threads: number[]): { thread: number; at: string }[] {
  const report = process.report.getReport() as unknown as {
    workers: { header: { threadId: number }; javascriptStack: { stack: string[] } }[];
  };
  return threads.map((thread) => {
    const frames = report.workers.find((w) => w.header.threadId === thread)?.javascriptStack.stack;
    const own = frames?.find((frame) => frame.includes('deadlock-thread'));
    const where = own ? /(deadlock-thread\.js:\d+)/.exec(own)?.[1] : undefined;
    return { thread, at: where ?? 'unknown' };
  });
}

async function crossThread(timeoutMs: number, watchdogMs: number) {
  // The watchdog names the cycle only while both waits overlap past its threshold, and a thread
  // a busy machine deschedules starts its wait late: with the bare timeout, one ~175 ms late
  // (400 − 150 − a poll) left the watchdog one stall to see. Two thresholds more absorb that.
  const threadTimeoutMs = timeoutMs + 2 * watchdogMs;
  const a = new SharedMutex({ name: 'A' });
  const b = new SharedMutex({ name: 'B' });
  const go = new SharedArrayBuffer(4);
  const data = (first: SharedMutex, second: SharedMutex): DeadlockThreadData => ({
    first: first.handle,
    second: second.handle,
    go,
    timeoutMs: threadTimeoutMs,
  });
  await using t1 = Peer.thread('deadlock-thread', data(a, b));
  await using t2 = Peer.thread('deadlock-thread', data(b, a));
  using watchdog = new LockWatchdog({ thresholdMs: watchdogMs }).watch(a, b);
  await allSay([t1, t2], 'holding');
  const start = performance.now();
  const flag = new Int32Array(go);
  Atomics.store(flag, 0, 1);
  Atomics.notify(flag, 0);
  // Check until both locks show a waiter past the threshold (or the threads' own timeout is
  // near): a thread descheduled by a busy machine may start waiting late.
  const giveUpAt = start + threadTimeoutMs - watchdogMs / 2;
  let stalls: StallReport[] = [];
  do {
    await sleep(watchdogMs / 4);
    stalls = watchdog.check();
  } while (stalls.length < 2 && performance.now() < giveUpAt);
  const stacks = threadStacks([t1.id, t2.id]);
  const outcomes = [await t1.next<string>(), await t2.next<string>()];
  return { stalls, stacks, outcomes, ms: performance.now() - start };
}

export const deadlock = defineDemo({
  name: 'deadlock',
  mirrors: 'Deadlocks: two locks taken in opposite orders',
  describe:
    'Task 1 takes A then B while task 2 takes B then A. Anonymous locks wait until a timeout cuts them; owned locks get ERR_LOCK_DEADLOCK naming the cycle; one lock order for everyone completes. Between threads, the watchdog names the stuck pair.',
  knobs: {
    // The demo waits this long a few times over: 10 s keeps it under a minute.
    timeoutMs: integer('How long a wait lasts before it gives up (ms).', {
      default: 400,
      min: 10,
      max: 10_000,
    }),
    // Any value, even above timeoutMs: the threads' own waits last timeoutMs + 2 × this, so they
    // are still stuck past the threshold when the watchdog looks.
    watchdogMs: integer('The watchdog reports waits at least this long (ms).', {
      default: 150,
      min: 10,
      max: 10_000,
    }),
  },
  async run({ timeoutMs, watchdogMs }) {
    const anon = await twoTasks(anonymous(timeoutMs), true);
    const own = await twoTasks(owned, true);
    const ordered = await twoTasks(owned, false);
    const threads = await crossThread(timeoutMs, watchdogMs);

    const cycle =
      own.errors.map((e) => (e as { locks?: string[] }).locks ?? []).find((l) => l.length > 0) ??
      [];
    // The watchdog's view: for each lock, who holds it and who has waited too long.
    const stalls = threads.stalls.map((s) => ({
      lock: s.name,
      heldBy: s.holders.map((h) => h.id),
      waitedOnBy: s.waiters.map((w) => w.id),
      longestWaitMs: Math.round(s.longestWaitMs),
    }));
    const second = secondAcquire();
    const { checks, verdict } = judge({
      timeoutMs,
      anonymous: anon,
      owned: { ...own, cycle },
      ordered,
      crossThread: { outcomes: threads.outcomes, stalls, stacks: threads.stacks },
      secondAcquire: second,
    });
    return {
      figures: {
        timeoutMs,
        watchdogMs,
        anonymous: { outcomes: anon.outcomes, ms: anon.ms },
        owned: { outcomes: own.outcomes, ms: own.ms, cycle },
        ordered: { outcomes: ordered.outcomes, ms: ordered.ms },
        crossThread: { outcomes: threads.outcomes, ms: threads.ms, stalls, stacks: threads.stacks },
        checks,
      },
      table: {
        header: ['case', 'outcome of the two', 'ms'],
        align: ['left', 'left', 'right'],
        rows: [
          ['anonymous, A→B | B→A', anon.outcomes.join(', '), fixed(anon.ms, 0)],
          ['owned (withLock), crossed', own.outcomes.join(', '), fixed(own.ms, 1)],
          ['owned, both A→B', ordered.outcomes.join(', '), fixed(ordered.ms, 1)],
          ['2 threads, SharedMutex crossed', threads.outcomes.join(', '), fixed(threads.ms, 0)],
        ],
      },
      notes: [
        `Anonymous: one task waited the whole ${timeoutMs} ms timeout before the other could finish; with no timeout both would wait forever.`,
        `Owned: the second wait would close the cycle ${cycle.join(' → ')} → ${cycle[0] ?? '?'}, so it was refused at once and the other task finished.`,
        ...stalls.map(
          (s) =>
            `Watchdog (waits over ${watchdogMs} ms): ${s.lock} held by ${s.heldBy.join(', ')}, waited on by ${s.waitedOnBy.join(', ')}.`,
        ),
        `process.report (Python's faulthandler) found ${threads.stacks.map((s) => `thread ${s.thread} at ${s.at}`).join(', ')} (the second acquire is ${second}).`,
        'The fix is a lock order everyone follows (or a timeout and a retry); detection only turns a hang into an error.',
      ],
      verdict,
    };
  },
});

/** The watchdog's view of one lock: who holds it and who has waited on it too long. */
export interface Stall {
  lock: string;
  heldBy: readonly string[];
  waitedOnBy: readonly string[];
  longestWaitMs: number;
}

/** What a deadlock run saw: each case's outcomes and time, the watchdog's stalls, the stacks. */
export interface DeadlockSeen {
  timeoutMs: number;
  /** The two tasks crossing anonymous locks: `done` or an error code each. */
  anonymous: { outcomes: readonly string[]; ms: number };
  /** The two tasks crossing owned locks, and the cycle the refused one was told of. */
  owned: { outcomes: readonly string[]; ms: number; cycle: readonly string[] };
  /** The two tasks taking the owned locks in one order. */
  ordered: { outcomes: readonly string[] };
  /** The two threads crossing shared locks, and where process.report found each stuck. */
  crossThread: {
    outcomes: readonly string[];
    stalls: readonly Stall[];
    stacks: readonly { thread: number; at: string }[];
  };
  /** `deadlock-thread.js:<line>` of the thread entry's second acquire. */
  secondAcquire: string;
}

/**
 * The deadlock lesson's checks and verdict from what the run saw: exported for its unit test,
 * which hands it made-up outcomes, times, stalls and stacks, wrong ones included.
 */
export function judge(seen: DeadlockSeen) {
  const { timeoutMs, anonymous: anon, owned: own, ordered, crossThread: threads } = seen;
  const holderOf = (lock: string) => threads.stalls.find((s) => s.lock === lock)?.heldBy[0];
  const waitersOf = (lock: string) => threads.stalls.find((s) => s.lock === lock)?.waitedOnBy ?? [];
  const [holderA, holderB] = [holderOf('A'), holderOf('B')];
  const threadCycle =
    holderA !== undefined &&
    holderB !== undefined &&
    holderA !== holderB &&
    waitersOf('A').includes(holderB) &&
    waitersOf('B').includes(holderA);
  const checks = {
    anonymousTimedOut: anon.outcomes.includes(LockTimeoutError.code) && anon.ms >= timeoutMs * 0.9,
    ownedDetected:
      own.outcomes.filter((o) => o === DeadlockError.code).length === 1 &&
      own.outcomes.includes('done') &&
      own.cycle.includes('A') &&
      own.cycle.includes('B') &&
      own.ms < timeoutMs,
    orderedCompleted: ordered.outcomes.every((o) => o === 'done'),
    watchdogNamedCycle: threadCycle,
    threadsTimedOut: threads.outcomes.includes('ERR_LOCK_TIMEOUT'),
    reportFoundThreadsInSecondAcquire: threads.stacks.every((s) => s.at === seen.secondAcquire),
  };
  return {
    checks,
    verdict: verdictOf(checks, 'the crossed orders deadlocked, detection and ordering worked'),
  };
}
