import { CallbackError } from './errors';

/**
 * Calls a user's callback and reports what it throws as a process warning
 * (`CallbackError` / `ERR_EXECUTOR_CALLBACK_FAILED`, Python logs it) instead of letting it break
 * the future or the pool that called it.
 */
export function reportThrow(callback: () => void, what: string): void {
  try {
    callback();
  } catch (thrown) {
    // The string form: emitWarning's Error form checks `instanceof Error`, which fails for
    // errors from another realm (a vm context, jest's sandbox), and would throw here.
    const { name, code, message } = new CallbackError(what);
    const detail = thrown instanceof Error ? (thrown.stack ?? thrown.message) : String(thrown);
    process.emitWarning(message, { type: name, code, detail });
  }
}
