import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { UsageError } from './errors';

/**
 * The pieces every `lab` command parses its options with: node's `parseArgs` for the shape
 * (unknown options and stray positionals are refused) and zod for each value's domain, failing
 * with a `UsageError` that names the option, what was expected and what was received.
 */
export type RawValues = Record<string, string | boolean | undefined>;

/** `parseArgs`, strict, with its errors as `UsageError`s. */
export function parseCommandArgs(
  argv: string[],
  options: NonNullable<ParseArgsConfig['options']>,
  positionals = false,
): { values: RawValues; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: argv, options, strict: true, allowPositionals: positionals });
    return { values: parsed.values as RawValues, positionals: parsed.positionals };
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** One option's value through its schema; `undefined` when the option was not given. */
export function check<T>(schema: z.ZodType<T, string>, raw: unknown, name: string): T | undefined {
  if (raw === undefined) return undefined;
  const result = schema.safeParse(raw);
  if (!result.success)
    throw new UsageError(
      `${result.error.issues[0]?.message ?? `bad --${name}`}, got \`${String(raw)}\``,
    );
  return result.data;
}

/** A comma-separated list, each value one of `values` (any value when `values` is undefined). */
export const listOf = <T extends string>(values: readonly T[] | undefined, name: string) =>
  z
    .string()
    .transform((raw) =>
      raw
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    )
    .refine((list) => list.length > 0, {
      error: `Expected \`--${name}\` to list at least one value`,
    })
    .refine((list) => !values || list.every((v) => (values as readonly string[]).includes(v)), {
      error: `Expected \`--${name}\` to be a comma-separated list of ${values?.join(', ')}`,
    });

/** A positive decimal number up to `max`. */
export const positive = (name: string, max: number) =>
  z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?$/, { error: `Expected \`--${name}\` to be a positive number` })
    .transform(Number)
    .pipe(
      z
        .number()
        .positive({ error: `Expected \`--${name}\` to be positive` })
        .max(max, { error: `Expected \`--${name}\` to be at most ${max}` }),
    );

/** A positive integer up to `max`. */
export const positiveInt = (name: string, max: number) =>
  positive(name, max).pipe(z.number().int({ error: `Expected \`--${name}\` to be an integer` }));
