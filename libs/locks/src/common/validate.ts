import { InvalidArgumentError } from '../errors';

/** Node timers cap at 2^31 - 1 ms; a longer delay would silently fire after 1 ms. */
export const MAX_TIMEOUT_MS = 0x7fffffff;

/** "`-1` (number)": the received value and its type, for p-queue style messages. */
export function describeValue(value: unknown): string {
  if (typeof value === 'string') return `\`${JSON.stringify(value)}\` (string)`;
  if (typeof value === 'bigint') return `\`${value}n\` (bigint)`;
  if (value === null) return '`null`';
  if (typeof value === 'object') return `\`${Object.prototype.toString.call(value)}\` (object)`;
  if (typeof value === 'function') return '`[function]` (function)';
  return `\`${String(value)}\` (${typeof value})`;
}

function fail(what: string, expected: string, value: unknown): never {
  throw new InvalidArgumentError(
    `Expected \`${what}\` to be ${expected}, got ${describeValue(value)}`,
  );
}

/** `undefined` → Infinity (wait forever); otherwise a number of ms in [0, 2^31 - 1] or Infinity. */
export function validateTimeout(value: unknown, what = 'timeout'): number {
  if (value === undefined || value === Infinity) return Infinity;
  if (typeof value !== 'number' || !(value >= 0 && value <= MAX_TIMEOUT_MS)) {
    fail(what, `a number of milliseconds from 0 to ${MAX_TIMEOUT_MS}, or Infinity`, value);
  }
  return value;
}

export function validateSignal(value: unknown, what = 'signal'): AbortSignal | undefined {
  if (value === undefined) return undefined;
  if (!(value instanceof AbortSignal)) fail(what, 'an AbortSignal', value);
  return value;
}

export function validateInteger(value: unknown, what: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(what, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

export function validateName(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.length === 0 || value.length > 200) {
    fail('name', 'a non-empty string of at most 200 characters', value);
  }
  return value;
}

export function validateFunction<T>(value: unknown, what: string): T {
  if (typeof value !== 'function') fail(what, 'a function', value);
  return value as T;
}

export function validateOptionalFunction<T>(value: unknown, what: string): T | undefined {
  return value === undefined ? undefined : validateFunction<T>(value, what);
}

export function validateObject(value: unknown, what: string): Record<string, unknown> {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) fail(what, 'an object', value);
  return value as Record<string, unknown>;
}
