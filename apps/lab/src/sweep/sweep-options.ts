import { MODEL_NAMES, MODELS, type ModelName } from '@concurrency-lab/models';
import { availableParallelism } from 'node:os';
import { z } from 'zod';
import {
  check,
  listOf,
  parseCommandArgs,
  positiveInt,
  MEASURE_OPTIONS,
  measureOptionsOf,
  type MeasureOptions,
} from '../option-schemas';

/** What `lab sweep` was asked to do. */
export interface SweepOptions extends MeasureOptions {
  /** One scenario of load-tests/scenarios.json. @default 'cpu' */
  scenario: string;
  /** @default the models with a pool (registry `pool`): their size is what WORKERS sets */
  models: ModelName[];
  /** WORKERS = 1 … this. @default os.availableParallelism() + 2 */
  maxWorkers: number;
  /**
   * Passes over the sizes, alternately up and down, so a shared machine's slow drift does not
   * masquerade as a knee; the curve is the mean of the passes. @default 1
   */
  repeats: number;
}

export const POOLED_MODELS: ModelName[] = MODELS.filter((m) => m.pool).map((m) => m.model);

export const SWEEP_USAGE = `Usage: lab sweep [options]

Pool sizing, measured: runs one scenario for WORKERS = 1 … N_CPU + 2 on the models with a pool
and charts throughput, p99 and RSS against the pool size — the guide's "N_CPU + 1" advice,
tested. Each size starts the services afresh.

  --scenario id       a scenario of load-tests/scenarios.json             default: cpu
  --models a,b        models to size (${MODEL_NAMES.join(', ')})
                                                                          default: ${POOLED_MODELS.join(', ')}
  --max-workers n     sizes 1 … n                                         default: CPU count + 2
  --repeats n         passes over the sizes, alternately up and down;      default: 1
                      the curve is their mean (drift cannot fake a knee)
  --duration s        measured seconds per size and model (≥ 1)           default: 10 (--quick: 1)
  --out dir           the folder sweep-<timestamp>/ goes in               default: <repo>/reports
                      (the repository's reports/, wherever lab is run from)
  --quick             short durations and warm-ups
  --json              print a machine-readable summary
  -h, --help          this text`;

/** @throws UsageError naming the option, what was expected and what was received */
export function parseSweepOptions(argv: string[]): SweepOptions | 'help' {
  const { values } = parseCommandArgs(argv, {
    scenario: { type: 'string' },
    models: { type: 'string' },
    'max-workers': { type: 'string' },
    repeats: { type: 'string' },
    ...MEASURE_OPTIONS,
  });
  if (values['help']) return 'help';
  return {
    scenario:
      check(
        z
          .string()
          .regex(/^[a-z][a-z0-9-]*$/, { error: 'Expected `--scenario` to be a scenario id' }),
        values['scenario'],
        'scenario',
      ) ?? 'cpu',
    models:
      (check(listOf(MODEL_NAMES, 'models'), values['models'], 'models') as
        ModelName[] | undefined) ?? POOLED_MODELS,
    maxWorkers:
      check(positiveInt('max-workers', 64), values['max-workers'], 'max-workers') ??
      availableParallelism() + 2,
    repeats: check(positiveInt('repeats', 20), values['repeats'], 'repeats') ?? 1,
    ...measureOptionsOf(values),
  };
}
