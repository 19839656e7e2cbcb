import { ArgumentValidator } from '@concurrency-lab/locks/internal';
import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from './errors';

/**
 * This library's checks, on the workspace's validator (the locks lib's, which queues builds on
 * too): the same rules and p-queue style messages ("Expected `timeout` to be ..., got `-1`
 * (number)"), thrown as `ERR_EXECUTOR_INVALID_ARGUMENT`. What follows adds the executors' own
 * shapes of option: a fallback for a missing one, and Python's `None` for no timeout.
 */
// Typed explicitly so that `validate.fail(...)` (returning never) narrows types like a throw.
export const validate: ArgumentValidator = new ArgumentValidator(InvalidArgumentError);

/**
 * A method's options: an object, or `undefined` for every default. `null` or a number is refused
 * with the usual error, not a TypeError from reading a field of it.
 */
export function optionsObject<T extends object>(value: T | undefined): T {
  return validate.object(value) as T;
}

/** `true` or `false`; `undefined` gives `fallback`. A truthy string is not taken for `true`. */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') validate.fail(name, 'a boolean', value);
  return value;
}

/** An iterable (an array, a Set, a generator), or with `async` also an async one (a stream). */
export function iterableArgument(name: string, value: unknown, async: boolean): void {
  const has = (key: symbol): boolean =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Record<symbol, unknown>)[key] === 'function';
  const iterable =
    typeof value === 'string' || has(Symbol.iterator) || (async && has(Symbol.asyncIterator));
  if (!iterable) {
    validate.fail(name, `an iterable${async ? ' or an async iterable' : ''}`, value);
  }
}

/** An integer from `min` up; `undefined` gives `fallback`. */
export function integerOption(name: string, value: unknown, min: number, fallback: number): number {
  return value === undefined ? fallback : validate.integer(value, name, min);
}

/**
 * A timeout in milliseconds, 0 to 2^31 - 1 (what a timer can wait: Node fires a longer one after
 * 1 ms, so `result({ timeout: Number.MAX_SAFE_INTEGER })` timed out at once); `undefined` or
 * `Infinity` for "no timeout" (Python's `timeout=None`).
 */
export function timeoutOption(name: string, value: unknown): number | undefined {
  const timeout = validate.timeout(value, name);
  return timeout === Infinity ? undefined : timeout;
}

/** One of a fixed set of strings. */
export function choiceOption<T extends string>(
  name: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) validate.fail(name, `one of ${choices.join(', ')}`, value);
  return value as T;
}

/** A non-empty string (a task's or an initializer's name in the task module). */
export function nameOption(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    validate.fail(name, 'a non-empty string', value);
  }
  return value;
}

/**
 * An array of strings (copied: a later change by the caller does not reach us), or nothing. No
 * NUL byte: `fork` would throw it from inside the pool, past the options' checks.
 */
export function stringsOption(name: string, value: unknown): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (
    !Array.isArray(value) ||
    !value.every((item): item is string => typeof item === 'string' && !item.includes('\0'))
  ) {
    validate.fail(name, 'an array of strings without NUL bytes', value);
  }
  return [...value];
}

/** An AbortSignal or nothing. */
export function signalOption(value: unknown): AbortSignal | undefined {
  return validate.signal(value);
}

/** A function. */
export function functionArgument(name: string, value: unknown): void {
  validate.function(value, name);
}

/** An absolute path from a path or a `file:` URL; the worker cannot resolve a relative one. */
export function moduleFilename(filename: unknown): string {
  const path =
    filename instanceof URL && filename.protocol === 'file:'
      ? fileURLToPath(filename)
      : typeof filename === 'string' && filename.startsWith('file:')
        ? fileURLToPath(filename)
        : filename;
  if (typeof path !== 'string' || !isAbsolute(path) || path.includes('\0')) {
    validate.fail('filename', 'an absolute path or a file: URL of the task module', filename);
  }
  return path;
}
