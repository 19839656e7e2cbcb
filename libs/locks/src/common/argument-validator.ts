/**
 * Option and argument checks for this library and the workspace libraries built on it. Each
 * library makes one validator with its own invalid-argument error class, so a bad lock option
 * throws `ERR_LOCK_INVALID_ARGUMENT` and a bad queue option `ERR_QUEUE_INVALID_ARGUMENT`, with
 * the same rules and p-queue style messages ("Expected `timeout` to be ..., got `-1` (number)").
 */

/** The library's invalid-argument error: constructed with the message alone. */
export type InvalidArgumentErrorClass = new (message: string) => Error;

/** Node timers cap at 2^31 - 1 ms; a longer delay would silently fire after 1 ms. */
export const MAX_TIMEOUT_MS = 0x7fffffff;

/** How long and how interruptibly to wait, once checked. */
export interface ParsedWait {
  /** Milliseconds, 0 (do not wait) to MAX_TIMEOUT_MS, or Infinity. */
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
}

const FOREVER: ParsedWait = Object.freeze({ timeout: Infinity, signal: undefined });

/** "`-1` (number)": the received value and its type, for p-queue style messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `\`${JSON.stringify(value)}\` (string)`;
  if (typeof value === 'bigint') return `\`${value}n\` (bigint)`;
  if (value === null) return '`null`';
  if (typeof value === 'function') return '`[function]` (function)';
  if (typeof value === 'object') {
    const constructorName = (value as { constructor?: { name?: unknown } }).constructor?.name;
    const shown =
      typeof constructorName === 'string' && constructorName !== ''
        ? constructorName
        : Object.prototype.toString.call(value);
    return `\`${shown}\` (object)`;
  }
  // What is left is a number, boolean, symbol or undefined: String() shows each as written.
  const primitive = value as number | boolean | symbol | undefined;
  return `\`${String(primitive)}\` (${typeof value})`;
}

export class ArgumentValidator {
  readonly #InvalidArgument: InvalidArgumentErrorClass;

  constructor(InvalidArgument: InvalidArgumentErrorClass) {
    this.#InvalidArgument = InvalidArgument;
  }

  /** The library's error saying what `what` was expected to be and what it was. */
  error(what: string, expected: string, value: unknown): Error {
    return new this.#InvalidArgument(
      `Expected \`${what}\` to be ${expected}, got ${describeValue(value)}`,
    );
  }

  fail(what: string, expected: string, value: unknown): never {
    throw this.error(what, expected, value);
  }

  /** `undefined` → `{}` (all defaults); otherwise an object. */
  object(value: unknown, what = 'options'): Record<string, unknown> {
    if (value === undefined) return {};
    if (typeof value !== 'object' || value === null) this.fail(what, 'an object', value);
    return value as Record<string, unknown>;
  }

  /** An optional object-valued option (an observer): `undefined`, or an object as `expected`. */
  optionalObject(value: unknown, what: string, expected: string): object | undefined {
    if (value !== undefined && (typeof value !== 'object' || value === null)) {
      this.fail(what, expected, value);
    }
    return value;
  }

  /** A constructor's required options: an object, else refused with an `example` of one. */
  requiredOptions<T>(value: T, example: string): T {
    if (typeof value !== 'object' || value === null) {
      this.fail('options', `an object like \`${example}\``, value);
    }
    return value;
  }

  /**
   * `undefined` → Infinity (wait forever); otherwise milliseconds from 0 to 2^31 - 1, or
   * Infinity. Longer is refused rather than handed to a timer that would fire after ~1 ms.
   */
  timeout(value: unknown, what = 'timeout'): number {
    if (value === undefined || value === Infinity) return Infinity;
    if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMEOUT_MS)) {
      this.fail(what, `a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, or Infinity`, value);
    }
    return value;
  }

  signal(value: unknown, what = 'signal'): AbortSignal | undefined {
    if (value === undefined) return undefined;
    if (!(value instanceof AbortSignal)) this.fail(what, 'an AbortSignal', value);
    return value;
  }

  /** An integer from `min` to `max` ("from `min` and up" when `max` is left out). */
  integer(value: unknown, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      const range =
        max === Number.MAX_SAFE_INTEGER ? `from ${min} and up` : `from ${min} to ${max}`;
      this.fail(what, `an integer ${range}`, value);
    }
    return value;
  }

  /** An integer from `min` and up, or Infinity where it means "unbounded". */
  integerOrInfinity(value: unknown, what: string, min: number): number {
    if (value === Infinity) return value;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      this.fail(what, `an integer from ${min} and up, or Infinity`, value);
    }
    return value;
  }

  /** A label for metrics and reports: `fallback` when left out. */
  name(value: unknown, fallback: string): string {
    if (value === undefined) return fallback;
    if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
      this.fail('name', 'a non-empty string of at most 200 characters', value);
    }
    return value;
  }

  function<T>(value: unknown, what: string): T {
    if (typeof value !== 'function') this.fail(what, 'a function', value);
    return value as T;
  }

  optionalFunction<T>(value: unknown, what: string): T | undefined {
    return value === undefined ? undefined : this.function<T>(value, what);
  }

  /** `{ timeout, signal }` of a wait; `undefined` waits forever. */
  waitOptions(options: unknown): ParsedWait {
    if (options === undefined) return FOREVER;
    const { timeout, signal } = this.object(options);
    // `{}` is common (a default parameter): no object allocated for it on a hot path.
    if (timeout === undefined && signal === undefined) return FOREVER;
    return { timeout: this.timeout(timeout), signal: this.signal(signal) };
  }

  /**
   * The same, for promise-returning methods that must reject rather than throw: the parsed
   * options, or the error to reject with.
   */
  waitOptionsOrError(options: unknown): ParsedWait | Error {
    try {
      return this.waitOptions(options);
    } catch (error) {
      return error as Error;
    }
  }

  /** A blocking wait's options: only a timeout (a blocked thread cannot see a signal fire). */
  syncWaitOptions(options: unknown): number {
    if (options === undefined) return Infinity;
    return this.timeout(this.object(options)['timeout']);
  }
}
