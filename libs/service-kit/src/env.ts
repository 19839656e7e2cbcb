import { z } from 'zod';
import { ConfigError } from './errors';
import { LIFELINE_KINDS, LIFELINE_VARIABLE, type LifelineKind } from './lifeline';

export * from './lifeline';

/** What `readEnv` throws (`ERR_KIT_INVALID_CONFIG`), for callers that validate more themselves. */
export { ConfigError };

/**
 * The one way this repository reads configuration from the environment (services, the cluster
 * primary, upstream, the tools). Each variable is a zod schema over its raw string; all are
 * checked at once, and the error names every bad variable, what it expected and what it got —
 * a process must refuse to start on a typo rather than run with a silent default. Light on
 * purpose (zod only): `@concurrency-lab/service-kit/env` loads nothing else — but the lifeline
 * (`./lifeline`, Node only), which every process the launcher starts arms, upstream's main too.
 */
export type EnvSchema<T> = z.ZodType<T, string>;
export type EnvShape = Record<string, EnvSchema<unknown>>;
/** What `readEnv` returns: each variable's value, or undefined when it is unset or empty. */
export type EnvValues<S extends EnvShape> = { [K in keyof S]: z.output<S[K]> | undefined };

/** A strict decimal integer: `1e3`, `0x10`, `+1`, `1.5` and `' 1'` are refused. */
export function envInt(min: number, max: number): EnvSchema<number> {
  return z
    .string()
    .regex(/^[0-9]+$/, { error: `expected an integer from ${min} to ${max}` })
    .transform(Number)
    .pipe(
      z
        .number()
        .int()
        .min(min, { error: `expected an integer from ${min} to ${max}` })
        .max(max, { error: `expected an integer from ${min} to ${max}` }),
    );
}

/** A plain decimal number (`0.3`, `12`); no exponents, signs or hex. */
export function envNumber(min: number, max: number): EnvSchema<number> {
  const expected = `expected a number from ${min} to ${max}`;
  return z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?$/, { error: expected })
    .transform(Number)
    .pipe(z.number().min(min, { error: expected }).max(max, { error: expected }));
}

/** One of `values`, exactly. */
export function envEnum<const T extends string>(values: readonly [T, ...T[]]): EnvSchema<T> {
  return z.enum(values, {
    error: `expected one of ${values.join(', ')}`,
  });
}

/**
 * Reads the variables `shape` names; unset or empty is absent (compose files often pass
 * `VAR=` for "not set").
 * @throws ConfigError `ERR_KIT_INVALID_CONFIG` naming every bad variable and the value it had
 */
export function readEnv<S extends EnvShape>(env: NodeJS.ProcessEnv, shape: S): EnvValues<S> {
  const present = Object.fromEntries(
    Object.keys(shape)
      .filter((name) => env[name] !== undefined && env[name] !== '')
      .map((name) => [name, env[name]]),
  );
  const parsed = z.object(shape).partial().safeParse(present);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      return `${name}: ${issue.message}, got \`${env[name]}\``;
    });
    throw new ConfigError(`Invalid configuration: ${lines.join('; ')}`);
  }
  return parsed.data as EnvValues<S>;
}

/**
 * `LAB_LIFELINE`, the one schema of it: spread into the shape a process reads (the kit's config,
 * upstream's main), then give its value to `watchLifeline`.
 */
export const LIFELINE_ENV: { [LIFELINE_VARIABLE]: EnvSchema<LifelineKind> } = {
  [LIFELINE_VARIABLE]: envEnum(LIFELINE_KINDS),
};
