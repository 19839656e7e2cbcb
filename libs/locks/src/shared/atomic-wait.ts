/** Atomics.waitAsync (ES2024; Node 16+), typed here because the lib target is ES2023. */
type WaitAsyncResult =
  | { async: false; value: 'not-equal' | 'timed-out' }
  | { async: true; value: Promise<'ok' | 'timed-out'> };
const atomicsWaitAsync = (
  Atomics as unknown as {
    // A static function: it reads no `this`, so taking it off Atomics is safe.
    waitAsync: (
      cells: Int32Array,
      index: number,
      value: number,
      timeout?: number,
    ) => WaitAsyncResult;
  }
).waitAsync;

/** How a wait on a shared cell ended. 'changed' also covers spurious wake-ups: callers re-check. */
export type WaitOutcome = 'changed' | 'timeout' | 'aborted';

/** Milliseconds left until `deadline` (a performance.now() value, or Infinity). */
export function remainingMs(deadline: number): number {
  return deadline === Infinity ? Infinity : deadline - performance.now();
}

export function deadlineAfter(timeout: number): number {
  return timeout === Infinity ? Infinity : performance.now() + timeout;
}

/** Blocks the thread while `cells[index] === expected`, until `deadline`. Workers only. */
export function waitSync(
  cells: Int32Array,
  index: number,
  expected: number,
  deadline: number,
): Exclude<WaitOutcome, 'aborted'> {
  const remaining = remainingMs(deadline);
  if (remaining <= 0) return 'timeout';
  const result = Atomics.wait(cells, index, expected, remaining);
  return result === 'timed-out' ? 'timeout' : 'changed';
}

/** The longest delay a Node timer takes (a longer one fires after 1 ms instead). */
const LONGEST_TIMER_MS = 0x7fffffff;

/**
 * One ref'd interval for every wait of this thread without a deadline, held while any is
 * pending (a count, not a timer per wait: a busy ring or lock waits often).
 */
let openWaits = 0;
let keepAliveTimer: NodeJS.Timeout | undefined;

function holdLoop(): void {
  if (openWaits++ === 0) keepAliveTimer = setInterval(() => undefined, LONGEST_TIMER_MS);
}

function releaseLoop(): void {
  if (--openWaits === 0) {
    clearInterval(keepAliveTimer);
    keepAliveTimer = undefined;
  }
}

/**
 * Waits without blocking while `cells[index] === expected`, until `deadline` or `signal`.
 *
 * Node does not count a pending Atomics.waitAsync as keeping the event loop alive: with nothing
 * else pending, the process (or worker) exits under the wait — a main-thread await dies as an
 * "unsettled top-level await", a worker quits silently. So every wait that goes async keeps the
 * loop alive until it settles: by its timeout when there is a deadline, else by the thread's
 * one keep-alive interval (`holdLoop`). Both end when the wait ends, however it ends, so nothing
 * outlives it. An aborted or timed-out wait leaves V8's waiter registered until its own timeout
 * or the next notify of the cell; that is why every notify in this library wakes *all* waiters
 * of a cell (a stale waiter must not swallow a wake-up meant for the live one).
 */
export function waitAsync(
  cells: Int32Array,
  index: number,
  expected: number,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<WaitOutcome> {
  if (signal?.aborted) return Promise.resolve('aborted');
  const remaining = remainingMs(deadline);
  if (remaining <= 0) return Promise.resolve('timeout');
  const result = atomicsWaitAsync(cells, index, expected, remaining);
  if (!result.async) return Promise.resolve(result.value === 'timed-out' ? 'timeout' : 'changed');
  const woken = result.value;
  const forever = remaining === Infinity;
  if (forever && signal === undefined) {
    // The common case, with no promise or listener of ours: only the loop held.
    holdLoop();
    return woken.then(
      () => (releaseLoop(), 'changed'),
      (error: unknown) => {
        releaseLoop();
        throw error;
      },
    );
  }
  if (forever) holdLoop();
  return new Promise<WaitOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: WaitOutcome): void => {
      if (settled) return;
      settled = true;
      if (forever) releaseLoop();
      else clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = (): void => finish('aborted');
    const timer = forever ? undefined : setTimeout(() => finish('timeout'), remaining);
    signal?.addEventListener('abort', onAbort, { once: true });
    void woken.then((value) => finish(value === 'timed-out' ? 'timeout' : 'changed'));
  });
}

/**
 * A wait written once, for both forms: the generator yields the value `cells[index]` must still
 * hold for the caller to sleep, and receives how that sleep ended. The two drivers below sleep
 * blocking (workers) or not (any thread).
 */
export type SleepSteps<T> = Generator<number, T, WaitOutcome>;

export function driveSync<T>(
  steps: SleepSteps<T>,
  cells: Int32Array,
  index: number,
  deadline: number,
): T {
  let step = steps.next();
  while (step.done !== true) step = steps.next(waitSync(cells, index, step.value, deadline));
  return step.value;
}

export async function driveAsync<T>(
  steps: SleepSteps<T>,
  cells: Int32Array,
  index: number,
  deadline: number,
  signal: AbortSignal | undefined,
): Promise<T> {
  let step = steps.next();
  while (step.done !== true) {
    step = steps.next(await waitAsync(cells, index, step.value, deadline, signal));
  }
  return step.value;
}
