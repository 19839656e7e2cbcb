import { setTimeout as delay } from 'node:timers/promises';
import { InvalidArgumentError } from './errors';

// Node timers cap at 2^31 - 1 ms; a longer delay would be clamped to 1 ms with only a warning.
const MAX_DELAY_MS = 0x7fffffff;

/**
 * Resolves after `ms` milliseconds without blocking the thread: the I/O-wait workload.
 *
 * When `signal` aborts (before or during the wait) the timer is cleared, so an abandoned sleep
 * holds nothing open, and the promise rejects with `signal.reason` (a DOMException named
 * 'AbortError' unless the aborter gave its own reason), the same value `signal.throwIfAborted()`
 * throws.
 *
 * @param ms delay in milliseconds, a finite number in [0, 2^31 - 1]
 * @throws (rejects with) InvalidArgumentError when ms is out of range or not a number
 */
export async function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  if (typeof ms !== 'number' || !(ms >= 0 && ms <= MAX_DELAY_MS)) {
    throw new InvalidArgumentError(`sleep expects 0..${MAX_DELAY_MS} ms, got ${ms}`);
  }
  try {
    await delay(ms, undefined, signal ? { signal } : undefined);
  } catch (error) {
    // timers/promises wraps the reason in its own AbortError (reason as `cause`); callers
    // expect the reason itself, like every other signal-aware API they pass it to.
    if (signal?.aborted) throw signal.reason;
    throw error;
  }
}
