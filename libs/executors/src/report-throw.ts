import { describeValue } from '@concurrency-lab/errors';
import { CallbackError } from './errors';

/**
 * Calls a user's callback and reports what it throws as a process warning
 * (`CallbackError` / `ERR_EXECUTOR_CALLBACK_FAILED`, Python logs it) instead of letting it break
 * the future or the pool that called it. Never throws itself: its callers (a future settling,
 * the executor freeing a worker or failing its queue) carry on after it, whatever was thrown.
 */
export function reportThrow(callback: () => void, what: string): void {
  try {
    callback();
  } catch (thrown) {
    try {
      // The string form: emitWarning's Error form checks `instanceof Error`, which fails for
      // errors from another realm (a vm context, jest's sandbox), and would throw here.
      const { name, code, message } = new CallbackError(what);
      process.emitWarning(message, { type: name, code, detail: detailOf(thrown) });
    } catch {
      // Nowhere left to report to (emitWarning itself threw): the caller must still go on.
    }
  }
}

/** The stack of an Error, or the words for any other value: `Object.create(null)` has none. */
function detailOf(thrown: unknown): string {
  try {
    if (thrown instanceof Error && typeof thrown.stack === 'string') return thrown.stack;
  } catch {
    // A `stack` getter that throws: described as any other value below.
  }
  return describeValue(thrown);
}
