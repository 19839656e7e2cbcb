import { isAbsolute } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvalidArgumentError } from './errors';

/** `0` (number), `'3'` (string): what was received, p-queue style. */
export function describe(value: unknown): string {
  const shown = typeof value === 'string' ? `'${value}'` : String(value);
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

/**
 * A method's options: an object, or `undefined` for every default. `null` or a number is refused
 * with the usual error, not a TypeError from reading a field of it.
 */
export function optionsObject<T extends object>(value: T | undefined, name = 'options'): T {
  if (value === undefined) return {} as T;
  if (typeof value !== 'object' || value === null) {
    throw new InvalidArgumentError(`Expected \`${name}\` to be an object, got ${describe(value)}`);
  }
  return value;
}

/** `true` or `false`; `undefined` gives `fallback`. A truthy string is not taken for `true`. */
export function booleanOption(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a boolean, got ${describe(value)}`);
  }
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
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be an iterable${async ? ' or an async iterable' : ''}, got ${describe(value)}`,
    );
  }
}

/** An integer from `min` up; `undefined` gives `fallback`. */
export function integerOption(name: string, value: unknown, min: number, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be an integer from ${min} and up, got ${describe(value)}`,
    );
  }
  return value;
}

/**
 * The longest timeout a timer can wait (2^31 - 1 ms, about 24.8 days): Node fires a longer one
 * after 1 ms (a TimeoutOverflowWarning), so `result({ timeout: Number.MAX_SAFE_INTEGER })`
 * timed out at once. The locks lib has the same bound.
 */
export const MAX_TIMEOUT_MS = 0x7fffffff;

/**
 * A timeout in milliseconds, 0 to MAX_TIMEOUT_MS; `undefined` or `Infinity` for "no timeout"
 * (Python's `timeout=None`).
 */
export function timeoutOption(name: string, value: unknown): number | undefined {
  if (value === undefined || value === Infinity) return undefined;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMEOUT_MS)) {
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, or Infinity, got ${describe(value)}`,
    );
  }
  return value;
}

/** One of a fixed set of strings. */
export function choiceOption<T extends string>(
  name: string,
  value: unknown,
  choices: readonly T[],
  fallback: T,
): T {
  if (value === undefined) return fallback;
  if (!choices.includes(value as T)) {
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be one of ${choices.join(', ')}, got ${describe(value)}`,
    );
  }
  return value as T;
}

/** A non-empty string. */
export function nameOption(name: string, value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be a non-empty string, got ${describe(value)}`,
    );
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
    throw new InvalidArgumentError(
      `Expected \`${name}\` to be an array of strings without NUL bytes, got ${describe(value)}`,
    );
  }
  return [...value];
}

/** An AbortSignal or nothing. */
export function signalOption(value: unknown): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) {
    throw new InvalidArgumentError(
      `Expected \`signal\` to be an AbortSignal, got ${describe(value)}`,
    );
  }
  return value;
}

/** A function. */
export function functionArgument(name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw new InvalidArgumentError(`Expected \`${name}\` to be a function, got ${describe(value)}`);
  }
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
    throw new InvalidArgumentError(
      `Expected \`filename\` to be an absolute path or a file: URL of the task module, got \`${String(filename)}\` (${typeof filename})`,
    );
  }
  return path;
}
