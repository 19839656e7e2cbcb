import { catalog, coded, hasCodeOf } from '@concurrency-lab/errors';

/**
 * Every error this library throws on purpose. Callers branch on `code` (namespaced
 * `ERR_PROCFS_*`, unique across the workspace); messages are for humans and may change.
 *
 * What the OS says is not among them: a process that is gone, or no /proc, is an `undefined`
 * answer, and an OS error the library does not expect (`process.kill`'s) reaches the caller as
 * Node raised it, with its own `code`.
 */

/** Every code below starts with this: it says the error is this library's (docs/errors.md). */
export const ERROR_NAMESPACE = 'ERR_PROCFS_';

/**
 * An option or argument is out of its domain (`watchParent`'s `graceMs`); the message says what
 * was expected and what was given. A RangeError, as Node's own ERR_OUT_OF_RANGE is and as this
 * refusal was before it had a code, so a caller that tells it by its class still does.
 */
export class InvalidArgumentError extends coded(
  'ERR_PROCFS_INVALID_ARGUMENT',
  'Invalid procfs argument',
  RangeError,
) {}

/** Every code above, for docs/errors.md and the workspace's uniqueness test. */
export const ERROR_CATALOG = catalog([
  InvalidArgumentError,
  'An option or argument is out of its domain (a `watchParent` `graceMs` that is not a whole number of milliseconds ≥ 0); a RangeError.',
]);

/** One of the codes above. */
export type ProcfsErrorCode = typeof InvalidArgumentError.code;

const CODES: ReadonlySet<string> = new Set(ERROR_CATALOG.map((entry) => entry.code));

/**
 * True for an error of this library, optionally of one `code`: an Error of any realm whose
 * `code` is one of this library's (`hasCodeOf` in @concurrency-lab/errors says exactly what is
 * recognised). Not an error posted to another thread: structured clone drops `code`.
 */
export function isProcfsError(
  error: unknown,
  code?: ProcfsErrorCode,
): error is InvalidArgumentError {
  return hasCodeOf(error, CODES, code);
}
