import { ArgumentValidator } from '@concurrency-lab/locks/internal';
import { InvalidArgumentError } from './errors';

/**
 * This library's checks, with the locks' rules (one timeout rule: at most 2^31 - 1 ms): a bad
 * option or argument throws this library's InvalidArgumentError.
 */
// Typed explicitly so that `validate.fail(...)` (returning never) narrows types like a throw.
export const validate: ArgumentValidator = new ArgumentValidator(InvalidArgumentError);
