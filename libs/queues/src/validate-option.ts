import { InvalidArgumentError } from './errors';

/** "`0` (number)" — what was received, for messages in p-queue's style. */
export function describeReceived(value: unknown): string {
  let shown: string;
  if (typeof value === 'string') shown = JSON.stringify(value);
  else if (typeof value === 'bigint') shown = `${value}n`;
  else if (typeof value === 'function') shown = 'a function';
  else if (value !== null && typeof value === 'object') shown = value.constructor?.name ?? 'object';
  else shown = String(value);
  return `\`${shown}\` (${value === null ? 'null' : typeof value})`;
}

/**
 * An integer from `min` to `max`; `Infinity` only where `allowInfinity` says it means "unbounded".
 * @example expectInteger('concurrency', 0, 1) // throws "Expected `concurrency` to be an integer from 1 and up, got `0` (number)"
 */
export function expectInteger(
  name: string,
  value: unknown,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
  allowInfinity = false,
): number {
  if (allowInfinity && value === Infinity) return value;
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) {
    return value;
  }
  const range = max === Number.MAX_SAFE_INTEGER ? `from ${min} and up` : `from ${min} to ${max}`;
  const infinity = allowInfinity ? ' (or Infinity)' : '';
  throw new InvalidArgumentError(
    `Expected \`${name}\` to be an integer ${range}${infinity}, got ${describeReceived(value)}`,
  );
}

/** `expectInteger` for promise-returning methods: the error, or undefined. */
export function integerError(
  name: string,
  value: unknown,
  min: number,
): InvalidArgumentError | undefined {
  try {
    expectInteger(name, value, min);
  } catch (error) {
    return error as InvalidArgumentError;
  }
  return undefined;
}

/** A timeout in milliseconds: `undefined` (wait forever), 0 (do not wait), up to Infinity. */
export function expectTimeout(value: unknown): number {
  if (value === undefined || value === Infinity) return Infinity;
  if (typeof value === 'number' && value >= 0 && !Number.isNaN(value)) return value;
  throw new InvalidArgumentError(
    `Expected \`timeout\` to be a number of milliseconds from 0 and up (or Infinity), got ${describeReceived(value)}`,
  );
}

/**
 * For promise-returning methods, which must reject rather than throw: the error for bad wait
 * options, or undefined when `timeout` and `signal` are fine to read as they are.
 */
export function waitOptionsError(options: {
  timeout?: unknown;
  signal?: unknown;
}): InvalidArgumentError | undefined {
  if (typeof options !== 'object' || options === null) {
    return new InvalidArgumentError(
      `Expected options like \`{ timeout: 1000, signal }\`, got ${describeReceived(options)}`,
    );
  }
  try {
    expectTimeout(options.timeout);
    expectSignal(options.signal);
  } catch (error) {
    return error as InvalidArgumentError;
  }
  return undefined;
}

export function expectSignal(value: unknown): AbortSignal | undefined {
  if (value === undefined || value instanceof AbortSignal) return value;
  throw new InvalidArgumentError(
    `Expected \`signal\` to be an AbortSignal, got ${describeReceived(value)}`,
  );
}

export function expectFunction(name: string, value: unknown): void {
  if (typeof value === 'function') return;
  throw new InvalidArgumentError(
    `Expected \`${name}\` to be a function, got ${describeReceived(value)}`,
  );
}

export function expectName(value: unknown, fallback: string): string {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && value.length > 0) return value;
  throw new InvalidArgumentError(
    `Expected \`name\` to be a non-empty string, got ${describeReceived(value)}`,
  );
}
