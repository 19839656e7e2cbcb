import type { UnlockToken } from './unlock-token';
import { validateFunction } from './validate';

/** `withLock`: runs `fn` holding what `acquire` grants, and releases it however `fn` ends. */
export async function runLocked<T>(
  fn: () => T | PromiseLike<T>,
  acquire: () => Promise<UnlockToken>,
): Promise<Awaited<T>> {
  validateFunction(fn, 'fn');
  using _token = await acquire();
  return await fn();
}

/** `withLockSync`: the same with a blocking acquire (worker threads). */
export function runLockedSync<T>(fn: () => T, acquire: () => UnlockToken): T {
  validateFunction(fn, 'fn');
  using _token = acquire();
  return fn();
}
