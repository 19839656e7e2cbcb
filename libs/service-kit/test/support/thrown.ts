import { inspect } from 'node:util';

/** What `fn` throws, or `undefined` when it returns. */
export function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

/**
 * What `fn` throws, which must be an instance of `type`: anything else, or nothing, fails the
 * test with what came instead.
 */
export function thrownAs<E>(type: abstract new (...args: never[]) => E, fn: () => unknown): E {
  const error = thrown(fn);
  if (!(error instanceof type)) {
    throw new Error(
      `expected a ${type.name}, got ${error === undefined ? 'no error' : inspect(error)}`,
    );
  }
  return error;
}
