import { MODEL_NAMES, type ModelName } from '@concurrency-lab/models';
import { availableParallelism } from 'node:os';
import { resolve } from 'node:path';
import { z } from 'zod';
import { UsageError } from './errors';
import {
  check,
  listOf,
  nonEmpty,
  parseCommandArgs,
  positiveInt,
  MEASURE_OPTIONS,
  measureOptionsOf,
  type MeasureOptions,
} from './option-schemas';

/** What `lab` was asked to do. Every figure in the report is tied to these. */
export interface LabOptions extends MeasureOptions {
  /** @default every model (with `--targets`: the targets' models) */
  models: ModelName[];
  /** @default every scenario of load-tests/scenarios.json */
  scenarios: string[] | undefined;
  /** Overrides the measured stream's arrival rate (req/s). */
  rate: number | undefined;
  /** Overrides the measured stream's connections. */
  connections: number | undefined;
  /** WORKERS for every model the lab starts; undefined with `--targets` (it starts nothing). */
  workers: number | undefined;
  /** model → base URL of an already-running service: drive these, start nothing. */
  targets: Partial<Record<ModelName, string>> | undefined;
  /** Absolute path of a workload module to measure under every model. */
  workload: string | undefined;
  driver: 'autocannon' | 'k6';
}

export { UsageError };

export const USAGE = `Usage: lab [options]
       lab up | compare <reportA> <reportB> | sweep      (lab <command> --help)

Runs every model service under the same load and writes a side-by-side report.

  --models a,b        models to compare                                  default: all
                      (${MODEL_NAMES.join(', ')})
  --scenarios a,b     scenario ids from load-tests/scenarios.json        default: all
  --workload file     your own work: a module exporting run(input) (and optionally inputs(),
                      describe); adds its scenarios (saturation, half-capacity rate, fairness)
  --targets m=url,…   drive services already running (another machine, a cluster):
                      start nothing, read memory and CPU from their /metrics
  --duration s        measured seconds per model and scenario (≥ 1)      default: 10 (--quick: 1)
  --rate n            arrival rate (req/s) of every measured stream      default: per scenario
  --connections n     connections of every measured stream               default: per scenario
  --workers n         WORKERS for every model                            default: CPU count
  --out dir           the folder <timestamp>/ goes in                    default: <repo>/reports
                      (the repository's reports/, wherever lab is run from)
  --driver name       autocannon | k6 (k6 must be on PATH)               default: autocannon
  --quick             a ~1½ minute run: short durations and warm-ups
  --json              print a machine-readable summary instead of the table
  -h, --help          this text`;

/** `async=http://127.0.0.1:3001,threads=http://…`: registry models, each once, http(s) URLs. */
const targetsSchema = z.string().transform((raw, ctx) => {
  const targets: Partial<Record<ModelName, string>> = {};
  for (const pair of raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const at = pair.indexOf('=');
    const model = pair.slice(0, Math.max(at, 0));
    const url = pair.slice(at + 1).replace(/\/+$/, '');
    const problem =
      at < 1
        ? `\`${pair}\` is not model=url`
        : !(MODEL_NAMES as readonly string[]).includes(model)
          ? `\`${model}\` is not a model (${MODEL_NAMES.join(', ')})`
          : model in targets
            ? `\`${model}\` is named twice`
            : !/^https?:\/\/[^/]+/.test(url) || !URL.canParse(url)
              ? `\`${url}\` is not an http(s) URL`
              : undefined;
    if (problem) {
      ctx.addIssue({
        code: 'custom',
        message: `Expected \`--targets\` to be model=url pairs separated by commas (${problem})`,
      });
      return z.NEVER;
    }
    targets[model as ModelName] = url;
  }
  if (Object.keys(targets).length === 0) {
    ctx.addIssue({ code: 'custom', message: 'Expected `--targets` to name at least one model' });
    return z.NEVER;
  }
  return targets;
});

/** @throws UsageError naming the option, what was expected and what was received */
export function parseLabOptions(argv: string[]): LabOptions | 'help' {
  const { values } = parseCommandArgs(argv, {
    models: { type: 'string' },
    scenarios: { type: 'string' },
    workload: { type: 'string' },
    targets: { type: 'string' },
    rate: { type: 'string' },
    connections: { type: 'string' },
    workers: { type: 'string' },
    driver: { type: 'string' },
    ...MEASURE_OPTIONS,
  });
  if (values['help']) return 'help';
  const driver =
    check(
      z.enum(['autocannon', 'k6'], { error: 'Expected `--driver` to be autocannon or k6' }),
      values['driver'],
      'driver',
    ) ?? 'autocannon';
  const targets = check(targetsSchema, values['targets'], 'targets');
  if (targets && (values['models'] !== undefined || values['workers'] !== undefined)) {
    throw new UsageError(
      'Expected `--targets` alone: it names the models, and the lab starts nothing to give `--workers` to; got `--targets` with `--models`/`--workers`',
    );
  }
  const workload = nonEmpty(values['workload'], 'workload', 'a module file');
  if (workload !== undefined && driver === 'k6') {
    throw new UsageError(
      'Expected `--workload` with the autocannon driver: the k6 scripts cover the catalog’s scenarios only; got `--driver k6`',
    );
  }
  // The k6 scripts read their rates and connections from scenarios.json and take none on the
  // command line; the report would divide by an override k6 never ran.
  for (const option of ['rate', 'connections'] as const) {
    if (values[option] !== undefined && driver === 'k6') {
      throw new UsageError(
        `Expected \`--${option}\` with the autocannon driver: the k6 scripts run the catalog’s rates and connections; got \`--driver k6\``,
      );
    }
  }
  const models = targets
    ? MODEL_NAMES.filter((m) => m in targets)
    : ((check(listOf(MODEL_NAMES, 'models'), values['models'], 'models') as
        ModelName[] | undefined) ?? [...MODEL_NAMES]);
  return {
    models,
    scenarios: check(listOf(undefined, 'scenarios'), values['scenarios'], 'scenarios'),
    ...measureOptionsOf(values),
    // Whole requests per second, as the catalog's: autocannon spreads an integer rate over its
    // connections (a fractional one would be rounded up per connection).
    rate: check(positiveInt('rate', 1_000_000), values['rate'], 'rate'),
    connections: check(positiveInt('connections', 10_000), values['connections'], 'connections'),
    workers: targets
      ? undefined
      : (check(positiveInt('workers', 256), values['workers'], 'workers') ??
        availableParallelism()),
    targets,
    workload: workload === undefined ? undefined : resolve(workload),
    driver,
  };
}
