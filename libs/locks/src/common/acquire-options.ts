import { validateObject, validateSignal, validateTimeout } from './validate';

/** How long and how interruptibly to wait. Accepted by every acquire and wait. */
export interface AcquireOptions {
  /**
   * Give up after this many ms, rejecting with `ERR_LOCK_TIMEOUT`. 0 tries once without waiting.
   * @default Infinity
   * @example { timeout: 500 }
   */
  readonly timeout?: number;
  /**
   * Give up when this signal aborts, rejecting with `signal.reason`. An already-aborted signal
   * rejects before trying.
   * @example { signal: AbortSignal.timeout(1000) }
   */
  readonly signal?: AbortSignal;
}

/** Blocking waits (worker threads only) cannot observe an AbortSignal: only a timeout applies. */
export interface SyncAcquireOptions {
  /** @default Infinity */
  readonly timeout?: number;
}

export interface ParsedWait {
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
}

const FOREVER: ParsedWait = Object.freeze({ timeout: Infinity, signal: undefined });

export function parseWaitOptions(options: unknown): ParsedWait {
  if (options === undefined) return FOREVER;
  const record = validateObject(options, 'options');
  return {
    timeout: validateTimeout(record['timeout']),
    signal: validateSignal(record['signal']),
  };
}

export function parseSyncWaitOptions(options: unknown): number {
  if (options === undefined) return Infinity;
  return validateTimeout(validateObject(options, 'options')['timeout']);
}
