import { InvalidArgumentError } from '../errors';
import { ArgumentValidator } from './argument-validator';

/** This library's checks: a bad option or argument throws its InvalidArgumentError. */
// Typed explicitly so that `validate.fail(...)` (returning never) narrows types like a throw.
export const validate: ArgumentValidator = new ArgumentValidator(InvalidArgumentError);
