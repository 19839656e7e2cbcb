import type { UnlockToken } from './unlock-token';
import { validate } from './validate';

/** `withLock`: runs `fn` holding what `acquire` grants, and releases it however `fn` ends. */
export async function runLocked<T>(
  fn: () => T | PromiseLike<T>,
  acquire: () => Promise<UnlockToken>,
): Promise<Awaited<T>> {
  validate.function(fn, 'fn');
  using _token = await acquire();
  return await fn();
}

/** `withLockSync`: the same with a blocking acquire (worker threads). */
export function runLockedSync<T>(fn: () => T, acquire: () => UnlockToken): T {
  validate.function(fn, 'fn');
  using _token = acquire();
  return fn();
}
