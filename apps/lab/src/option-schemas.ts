import { parseArgsOnce } from '@concurrency-lab/launcher';
import { inspect, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { UsageError } from './errors';

/**
 * The pieces every `lab` command parses its options with: node's `parseArgs` for the shape
 * (unknown options and stray positionals are refused) and zod for each value's domain, failing
 * with a `UsageError` that names the option, what was expected and what was received.
 */
export type RawValues = Record<string, string | boolean | undefined>;

type OptionsConfig = NonNullable<ParseArgsConfig['options']>;

/**
 * `parseArgs`, strict, with its errors as `UsageError`s, and each option once (the launcher's
 * `parseArgsOnce`, which chaos shares): `--models nope --models async` ran async and never said
 * the first was dropped.
 */
export function parseCommandArgs(
  argv: string[],
  options: OptionsConfig,
  positionals = false,
): { values: RawValues; positionals: string[] } {
  const parsed = parseArgsOnce({ args: argv, options, allowPositionals: positionals }, UsageError);
  return { values: parsed.values as RawValues, positionals: parsed.positionals };
}

/**
 * A value that names something (a folder, a file), never empty: `--out=` was the current folder,
 * silently, and `--workload=` was refused naming a path the user never typed.
 */
export function nonEmpty(raw: unknown, name: string, what: string): string | undefined {
  if (raw === '') throw new UsageError(`Expected \`--${name}\` to name ${what}, got nothing`);
  return raw as string | undefined;
}

/** One option's value through its schema; `undefined` when the option was not given. */
export function check<T>(schema: z.ZodType<T, string>, raw: unknown, name: string): T | undefined {
  if (raw === undefined) return undefined;
  const result = schema.safeParse(raw);
  if (!result.success)
    throw new UsageError(
      `${result.error.issues[0]?.message ?? `bad --${name}`}, got \`${typeof raw === 'string' ? raw : inspect(raw)}\``,
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
    })
    .superRefine((list, ctx) => {
      // `--models async,async` would measure one service twice and report it as two models.
      const twice = list.find((v, i) => list.indexOf(v) !== i);
      if (twice !== undefined)
        ctx.addIssue({
          code: 'custom',
          message: `Expected \`--${name}\` to name each value once; \`${twice}\` is named twice`,
        });
    });

/** A positive decimal number up to `max` (and, when given, at least `min`, in `unit`). */
export const positive = (name: string, max: number, min?: { value: number; unit: string }) =>
  z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?$/, { error: `Expected \`--${name}\` to be a positive number` })
    .transform(Number)
    .pipe(
      z
        .number()
        .positive({ error: `Expected \`--${name}\` to be positive` })
        .min(min?.value ?? 0, {
          error: `Expected \`--${name}\` to be at least ${min?.value} (${min?.unit})`,
        })
        .max(max, { error: `Expected \`--${name}\` to be at most ${max}` }),
    );

/** A positive integer up to `max`. */
export const positiveInt = (name: string, max: number) =>
  positive(name, max).pipe(z.number().int({ error: `Expected \`--${name}\` to be an integer` }));

/** The options of every command that writes a report: where it goes, JSON on stdout, help. */
export const REPORT_OPTIONS = {
  out: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionsConfig;

/** `--out` and `--json` as given ({@link REPORT_OPTIONS}). */
export const reportOptionsOf = (values: RawValues): { out: string | undefined; json: boolean } => ({
  out: nonEmpty(values['out'], 'out', 'a folder'),
  json: values['json'] === true,
});

/** The options of every command that measures: how long, or `--quick`. */
const TIMING_OPTIONS = {
  duration: { type: 'string' },
  quick: { type: 'boolean' },
} as const satisfies OptionsConfig;

/**
 * `--quick`: the whole default run (five models, every scenario) in about a minute and a half on
 * 2 cores (98 s on 2026-12-06, io's hold for a collection included).
 */
export const QUICK = { durationSeconds: 1, warmupSeconds: 0.25, sampleIntervalMs: 250 } as const;
export const FULL = { durationSeconds: 10, warmupSeconds: 2, sampleIntervalMs: 1000 } as const;

/** How long a measuring command measures each run, and how it samples it. */
export interface Timing {
  /** Measured seconds per run, at least {@link MIN_DURATION_SECONDS}. @default 10 (quick: 1) */
  durationSeconds: number;
  /** Left out of the figures, before each measurement. @default 2 (quick: 0.25) */
  warmupSeconds: number;
  /** How often the sampler reads each model (ms). @default 1000 (quick: 250) */
  sampleIntervalMs: number;
  quick: boolean;
}

/**
 * The shortest `--duration`: every figure is per second (req/s, a rate's quota), and the sampler's
 * first reading, taken as the measurement starts, counts for nothing (summarize.ts) — a shorter
 * window leaves the cost unsampled (0.0001 s used to measure 0.074 s and report it).
 */
export const MIN_DURATION_SECONDS = 1;

/**
 * The timing {@link TIMING_OPTIONS} ask for: `--quick`'s or the full one, `--duration` overriding
 * its seconds.
 */
function timingOf(values: RawValues): Timing {
  const quick = values['quick'] === true;
  const timing = quick ? QUICK : FULL;
  return {
    durationSeconds:
      check(
        positive('duration', 3600, { value: MIN_DURATION_SECONDS, unit: 'seconds' }),
        values['duration'],
        'duration',
      ) ?? timing.durationSeconds,
    warmupSeconds: timing.warmupSeconds,
    sampleIntervalMs: timing.sampleIntervalMs,
    quick,
  };
}

/** The options of a command that measures and writes a report (`lab`, `lab sweep`). */
export const MEASURE_OPTIONS = {
  ...TIMING_OPTIONS,
  ...REPORT_OPTIONS,
} as const satisfies OptionsConfig;

/** What {@link MEASURE_OPTIONS} were given: the timing, where the report goes, JSON or not. */
export interface MeasureOptions extends Timing {
  /** Report folder root. @default <repo>/reports */
  out: string | undefined;
  /** A machine-readable summary on stdout instead of the table. */
  json: boolean;
}

export const measureOptionsOf = (values: RawValues): MeasureOptions => ({
  ...timingOf(values),
  ...reportOptionsOf(values),
});
