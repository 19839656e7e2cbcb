import { MODEL_NAMES, type ModelName } from '@concurrency-lab/models';
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { UsageError } from './errors';

/** What `lab` was asked to do. Every figure in the report is tied to these. */
export interface LabOptions {
  /** @default every model */
  models: ModelName[];
  /** @default every scenario of load-tests/scenarios.json */
  scenarios: string[] | undefined;
  /** Measured seconds per model × scenario. @default 10 (quick: 2) */
  durationSeconds: number;
  /** Left out of the figures, before each measurement. @default 2 (quick: 0.5) */
  warmupSeconds: number;
  /** Overrides the measured stream's arrival rate (req/s). */
  rate: number | undefined;
  /** Overrides the measured stream's connections. */
  connections: number | undefined;
  /** WORKERS for every model. @default os.availableParallelism() */
  workers: number;
  /** Report folder root. @default <repo>/reports */
  out: string | undefined;
  driver: 'autocannon' | 'k6';
  /** Machine-readable summary on stdout instead of the table. */
  json: boolean;
  quick: boolean;
}

export { UsageError };

export const USAGE = `Usage: lab [options]

Runs every model service under the same load and writes a side-by-side report.

  --models a,b        models to compare                                  default: all
                      (${MODEL_NAMES.join(', ')})
  --scenarios a,b     scenario ids from load-tests/scenarios.json        default: all
  --duration s        measured seconds per model and scenario            default: 10 (--quick: 2)
  --rate n            arrival rate (req/s) of every measured stream      default: per scenario
  --connections n     connections of every measured stream               default: per scenario
  --workers n         WORKERS for every model                            default: CPU count
  --out dir           where reports/<timestamp>/ goes                    default: ./reports
  --driver name       autocannon | k6 (k6 must be on PATH)               default: autocannon
  --quick             a ~1 minute run: short durations and warm-ups
  --json              print a machine-readable summary instead of the table
  -h, --help          this text`;

const listOf = <T extends string>(values: readonly T[] | undefined, name: string) =>
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

const positive = (name: string, max: number) =>
  z
    .string()
    .regex(/^[0-9]+(\.[0-9]+)?$/, { error: `Expected \`--${name}\` to be a positive number` })
    .transform(Number)
    .pipe(
      z
        .number()
        .positive({ error: `Expected \`--${name}\` to be positive` })
        .max(max),
    );

/** @throws UsageError naming the option, what was expected and what was received */
export function parseLabOptions(argv: string[]): LabOptions | 'help' {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        models: { type: 'string' },
        scenarios: { type: 'string' },
        duration: { type: 'string' },
        rate: { type: 'string' },
        connections: { type: 'string' },
        workers: { type: 'string' },
        out: { type: 'string' },
        driver: { type: 'string' },
        quick: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values['help']) return 'help';
  const check = <T>(schema: z.ZodType<T, string>, raw: unknown, name: string): T | undefined => {
    if (raw === undefined) return undefined;
    const result = schema.safeParse(raw);
    if (!result.success)
      throw new UsageError(
        `${result.error.issues[0]?.message ?? `bad --${name}`}, got \`${String(raw)}\``,
      );
    return result.data;
  };
  const quick = values['quick'] === true;
  const driver = check(z.enum(['autocannon', 'k6']), values['driver'], 'driver') ?? 'autocannon';
  return {
    models: (check(listOf(MODEL_NAMES, 'models'), values['models'], 'models') as
      ModelName[] | undefined) ?? [...MODEL_NAMES],
    scenarios: check(listOf(undefined, 'scenarios'), values['scenarios'], 'scenarios'),
    durationSeconds:
      check(positive('duration', 3600), values['duration'], 'duration') ?? (quick ? 2 : 10),
    warmupSeconds: quick ? 0.5 : 2,
    rate: check(positive('rate', 1_000_000), values['rate'], 'rate'),
    connections: check(
      positive('connections', 10_000).pipe(z.number().int()),
      values['connections'],
      'connections',
    ),
    workers:
      check(positive('workers', 256).pipe(z.number().int()), values['workers'], 'workers') ??
      availableParallelism(),
    out: values['out'] as string | undefined,
    driver,
    json: values['json'] === true,
    quick,
  };
}
