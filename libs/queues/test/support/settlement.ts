/**
 * Watches a promise without awaiting it, so a test can ask "settled yet, and how?" at any point.
 */
export interface Settlement<T> {
  status: 'pending' | 'resolved' | 'rejected';
  value?: T;
  reason?: unknown;
}

export function track<T>(promise: Promise<T>): Settlement<T> {
  const settlement: Settlement<T> = { status: 'pending' };
  promise.then(
    (value) => {
      settlement.status = 'resolved';
      settlement.value = value;
    },
    (reason: unknown) => {
      settlement.status = 'rejected';
      settlement.reason = reason;
    },
  );
  return settlement;
}

/** Lets every queued microtask (and promise chain) run: one macrotask turn. */
export function flush(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A stable name for an error: its string `code` (ours, Node's), else its `name` (DOMException's
 * AbortError).
 */
export function codeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : String((error as Error | null)?.name);
}

/** The `code` of what `fn` throws, or 'none'. */
export function thrownCode(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return codeOf(error);
  }
  return 'none';
}

/** The `code` a promise rejects with ('resolved' if it does not). */
export async function rejectionCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return codeOf(error);
  }
  return 'resolved';
}
