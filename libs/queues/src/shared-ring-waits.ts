import { isMainThread } from 'node:worker_threads';
import {
  MainThreadBlockingError,
  QueueEmptyError,
  QueueFullError,
  QueueTimeoutError,
} from './errors';
import { deadlineAfter, remainingMs, spinPause, waitAsync } from '@concurrency-lab/locks/internal';
import { BLOCKED, type Attempt, type SharedRingMemory } from './shared-ring-memory';
import {
  ALL_DONE,
  COUNT,
  GETTERS,
  NOT_EMPTY,
  NOT_FULL,
  OPEN,
  PUTTERS,
  STATE,
} from './shared-ring-layout';

/** What a blocked call sleeps on (a futex word), and how it fails when its timeout passes. */
export interface Condition {
  readonly word: number;
  /** The header cell counting its sleepers, or -1 (joins are rare and always notified). */
  readonly sleepers: number;
  /** Whether the attempt needs the lock (a join reads atomics only). */
  readonly locked: boolean;
  readonly timedOut: () => Error;
  /** A lock-free hint that a retry may succeed, polled by the spin before sleeping; or null. */
  readonly mayProceed: ((header: Int32Array, capacity: number) => boolean) | null;
}

export const FOR_MESSAGES: Condition = {
  word: NOT_EMPTY,
  sleepers: GETTERS,
  locked: true,
  timedOut: () => new QueueEmptyError(),
  mayProceed: (h) => Atomics.load(h, COUNT) > 0 || Atomics.load(h, STATE) !== OPEN,
};
export const FOR_ROOM: Condition = {
  word: NOT_FULL,
  sleepers: PUTTERS,
  locked: true,
  timedOut: () => new QueueFullError(),
  mayProceed: (h, capacity) => Atomics.load(h, COUNT) < capacity || Atomics.load(h, STATE) !== OPEN,
};
export const FOR_ALL_DONE: Condition = {
  word: ALL_DONE,
  sleepers: -1,
  locked: false,
  timedOut: () => new QueueTimeoutError(),
  mayProceed: null,
};
/** For operations that never block (shutdown) but need the lock. */
export const NO_WAIT: Condition = { ...FOR_ALL_DONE, locked: true };

/**
 * How many times a blocked worker re-reads the ring (lock-free) before it registers and sleeps.
 * When the other side is busy, room or a message appears within a microsecond or two; without
 * the spin a producer facing a full ring slept on ~1 put in 10 in the benchmark, and each
 * sleep costs the consumer a futex wake (halving records/s). A long spin is worse on a shared,
 * oversubscribed machine: it burns the time slice the other side needs. Only workers spin.
 */
const SPINS_BEFORE_SLEEP = 200;

/**
 * The blocking driver, for worker threads: lock, attempt, and while BLOCKED spin briefly, then
 * sleep in `Atomics.wait` on the condition's word, and retry. Node allows `Atomics.wait` on
 * the main thread, but it would freeze the event loop (the very callbacks that could unblock
 * it), so there it throws `ERR_QUEUE_MAIN_THREAD_BLOCKING`.
 */
export function waitBlocking<R>(
  memory: SharedRingMemory,
  attempt: Attempt<R>,
  condition: Condition,
  timeout: number,
): R {
  if (isMainThread) throw new MainThreadBlockingError();
  const h = memory.header;
  const deadline = deadlineAfter(timeout);
  let spun = condition.mayProceed === null;
  for (;;) {
    // Read the word before testing the predicate: a wakeup after the test changes it, so the
    // wait below returns at once instead of sleeping through it.
    const seen = Atomics.load(h, condition.word);
    if (condition.locked) memory.lock.lockSync();
    const result = tryOnce(memory, attempt, condition, deadline, spun);
    if (result !== BLOCKED) return result;
    if (!spun) {
      spun = true;
      spinWhileBlocked(memory, condition);
      continue; // not registered as a sleeper: just try again
    }
    Atomics.wait(h, condition.word, seen, remainingMs(deadline));
    if (condition.sleepers >= 0) Atomics.sub(h, condition.sleepers, 1);
  }
}

/** The same loop with `Atomics.waitAsync`: never blocks the thread, so it is fine anywhere. */
export async function waitNonBlocking<R>(
  memory: SharedRingMemory,
  attempt: Attempt<R>,
  condition: Condition,
  timeout: number,
  signal: AbortSignal | undefined,
): Promise<R> {
  const h = memory.header;
  const deadline = deadlineAfter(timeout);
  for (;;) {
    signal?.throwIfAborted();
    const seen = Atomics.load(h, condition.word);
    // An abort while the lock is held elsewhere rejects here; without the signal it went unseen,
    // and the call slept on as a sleeper listening for an 'abort' that had already fired.
    if (condition.locked && !memory.lock.tryLock()) await memory.lock.lockAsync(signal);
    // From here to sleepUnlessAborted's listener nothing awaits: an abort cannot slip between.
    const result = tryOnce(memory, attempt, condition, deadline, true);
    if (result !== BLOCKED) return result;
    // locks' waitAsync, not Atomics.waitAsync: Node does not count a pending Atomics.waitAsync
    // as keeping the event loop alive, so a lone getAsync exited the process (or worker) under
    // it; waitAsync holds a ref'd timer for as long as it sleeps.
    await sleepUnlessAborted(
      waitAsync(h, condition.word, seen, deadline, undefined),
      h,
      condition.word,
      signal,
    );
    if (condition.sleepers >= 0) Atomics.sub(h, condition.sleepers, 1);
  }
}

/**
 * Runs `attempt` (the lock, if needed, is held on entry and released here). On BLOCKED: fails
 * if the deadline passed, else, if about to sleep, registers as a sleeper — under the lock, so
 * a waker that takes the lock after us sees the count and notifies.
 */
function tryOnce<R>(
  memory: SharedRingMemory,
  attempt: Attempt<R>,
  condition: Condition,
  deadline: number,
  willSleep: boolean,
): R | typeof BLOCKED {
  try {
    const result = attempt();
    if (result !== BLOCKED) return result;
    if (performance.now() >= deadline) throw condition.timedOut();
    if (willSleep && condition.sleepers >= 0) Atomics.add(memory.header, condition.sleepers, 1);
    return BLOCKED;
  } finally {
    if (condition.locked) memory.lock.unlock();
    memory.deliverWakeups();
  }
}

function spinWhileBlocked(memory: SharedRingMemory, condition: Condition): void {
  const mayProceed = condition.mayProceed as NonNullable<Condition['mayProceed']>;
  for (let i = 0; i < SPINS_BEFORE_SLEEP; i++) {
    if (mayProceed(memory.header, memory.capacity)) return;
    spinPause();
  }
}

/**
 * Awaits a waitAsync, or the signal. A waitAsync cannot be cancelled; left alone it would
 * linger until the next notify. So on abort we notify the word — every sleeper on it wakes,
 * ours settles, the others re-check their predicate and sleep again.
 */
async function sleepUnlessAborted(
  sleeping: Promise<unknown>,
  header: Int32Array,
  word: number,
  signal: AbortSignal | undefined,
): Promise<void> {
  if (signal === undefined) {
    await sleeping;
    return;
  }
  const wake = () => Atomics.notify(header, word);
  signal.addEventListener('abort', wake, { once: true });
  try {
    await sleeping;
  } finally {
    signal.removeEventListener('abort', wake);
  }
}
