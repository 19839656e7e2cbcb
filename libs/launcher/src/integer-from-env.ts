import { LaunchArgumentError } from './errors';

/**
 * Variable `variable` of `env` as a decimal integer from `min` to `max`, or undefined when it is
 * unset or empty (compose files pass `VAR=` for "not set"). Strict, as the kit's `envInt` is
 * (which the launcher may not import: the kit's tests import the launcher): `Number()` would
 * take `1e3`, `0x10` and `' 1'`, and turn a typo into NaN, which then runs as nothing at all.
 * @throws LaunchArgumentError naming the variable, what it expected and what it got
 */
export function integerFromEnv(
  env: NodeJS.ProcessEnv,
  variable: string,
  min: number,
  max: number,
): number | undefined {
  const raw = env[variable];
  if (raw === undefined || raw === '') return undefined;
  const value = Number(raw);
  if (!/^[0-9]+$/.test(raw) || value < min || value > max) {
    throw new LaunchArgumentError(
      `Expected \`${variable}\` to be an integer from ${min} to ${max}, got \`${raw}\``,
    );
  }
  return value;
}
