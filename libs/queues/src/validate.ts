import { ArgumentValidator } from '@concurrency-lab/locks/internal';
import { InvalidArgumentError } from './errors';
import type { QueueObserver } from './queue-observer';

/**
 * This library's checks, with the locks' rules (one timeout rule: at most 2^31 - 1 ms): a bad
 * option or argument throws this library's InvalidArgumentError.
 */
// Typed explicitly so that `validate.fail(...)` (returning never) narrows types like a throw.
export const validate: ArgumentValidator = new ArgumentValidator(InvalidArgumentError);

/**
 * A `shutdown(options)`'s `immediate`: `options` an object or undefined, `immediate` a boolean
 * or undefined (false). Anything else throws: `'yes'` is not taken as "not immediate".
 */
export function shutdownImmediate(options: unknown): boolean {
  const { immediate } = validate.object(options);
  if (immediate !== undefined && typeof immediate !== 'boolean') {
    validate.fail('immediate', 'a boolean', immediate);
  }
  return immediate === true;
}

/** A constructor's `observer` option: undefined or an object (the locks' rule for theirs). */
export function observerOption(observer: unknown): QueueObserver | undefined {
  const expected = 'an object with onEnqueue/onDequeue/onDiscard';
  return validate.optionalObject(observer, 'observer', expected);
}
