import { parseArgsOnce } from '@concurrency-lab/launcher';
import { MODEL_NAMES, type ModelName } from '@concurrency-lab/models';
import { DRILL_NAMES, type DrillName } from './drill';
import { ChaosUsageError } from './errors';

/** What `chaos` was asked to do. */
export interface ChaosOptions {
  /**
   * CI durations: every drill on every model in about 4 minutes on 2 cores (measured; nothing
   * caps the total, each drill's load durations are set).
   */
  quick: boolean;
  /** @default every drill but `fuzz`; `--fuzz` adds it */
  drills: DrillName[];
  /** @default every model of the registry */
  models: ModelName[];
  /** Fuzz cases per model. @default 10000 (`--quick`: 1000) */
  fuzzRuns: number;
  /** fast-check seed of the fuzz. @default random (printed) */
  seed: number | undefined;
  /** WORKERS of every model. @default 2 */
  workers: number;
}

/** The fuzz runs `--fuzz` promises (the issue's ≥ 10,000 per model). */
export const FUZZ_RUNS = 10_000;
export const QUICK_FUZZ_RUNS = 1000;
/** Two workers per model: the machine this lab targets has two cores. */
export const DEFAULT_WORKERS = 2;

export const USAGE = `Usage: chaos [options]

Runs the reliability drills against every model and prints one table (drill × model: requests,
lost, p99, RSS peak, recovery). Exits 1 when a budget is broken, 2 on a usage error; on SIGINT
(Ctrl-C) or SIGTERM it stops every service it started, then exits 130 or 143 (128 + the signal).

  --quick           CI durations: every drill on every model, about 4 minutes on 2 cores
  --fuzz            add the fuzz drill: ${FUZZ_RUNS.toLocaleString('en')} generated requests per model
  --fuzz-runs n     fuzz cases per model                    default: ${FUZZ_RUNS} (--quick: ${QUICK_FUZZ_RUNS})
  --drills a,b      drills to run                           default: all but fuzz
                    (${DRILL_NAMES.join(', ')})
  --models a,b      models to drill                         default: all
                    (${MODEL_NAMES.join(', ')})
  --seed n          fast-check seed of the fuzz (to replay)  default: random, printed
  --workers n       WORKERS of every model                  default: ${DEFAULT_WORKERS}
  -h, --help        this text`;

/** Parses `argv` (without node and script). @throws ChaosUsageError naming the bad option. */
export function parseChaosOptions(argv: readonly string[]): ChaosOptions | 'help' {
  // Each option once (the launcher's `parseArgsOnce`): `--workers 0 --workers 4` ran with 4.
  const { values } = parseArgsOnce(
    {
      args: [...argv],
      allowPositionals: false,
      options: {
        quick: { type: 'boolean', default: false },
        fuzz: { type: 'boolean', default: false },
        'fuzz-runs': { type: 'string' },
        drills: { type: 'string' },
        models: { type: 'string' },
        seed: { type: 'string' },
        workers: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    },
    ChaosUsageError,
  );
  if (values.help) return 'help';
  const drills =
    values.drills === undefined
      ? DRILL_NAMES.filter((d) => d !== 'fuzz')
      : listOf(values.drills, 'drills', DRILL_NAMES);
  if (values.fuzz && !drills.includes('fuzz')) drills.push('fuzz');
  const fuzzRuns =
    values['fuzz-runs'] === undefined
      ? values.quick
        ? QUICK_FUZZ_RUNS
        : FUZZ_RUNS
      : integer(values['fuzz-runs'], 'fuzz-runs', 1, 1_000_000);
  const seed =
    values.seed === undefined
      ? undefined
      : integer(values.seed, 'seed', -2_147_483_648, 2_147_483_647);
  // Only the fuzz drill reads them: without it, `--seed=-5` started a full run that ignored it.
  for (const name of ['seed', 'fuzz-runs'] as const) {
    if (values[name] !== undefined && !drills.includes('fuzz'))
      throw new ChaosUsageError(
        `Expected \`--${name}\` only with the fuzz drill (--fuzz, or fuzz in --drills), got it without`,
      );
  }
  return {
    quick: values.quick,
    drills: DRILL_NAMES.filter((d) => drills.includes(d)),
    models:
      values.models === undefined ? [...MODEL_NAMES] : listOf(values.models, 'models', MODEL_NAMES),
    fuzzRuns,
    seed,
    workers:
      values.workers === undefined ? DEFAULT_WORKERS : integer(values.workers, 'workers', 1, 64),
  };
}

function listOf<T extends string>(raw: string, name: string, allowed: readonly T[]): T[] {
  const items = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (items.length === 0)
    throw new ChaosUsageError(
      `Expected \`--${name}\` to list at least one of ${allowed.join(', ')}, got \`${raw}\``,
    );
  const unknown = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (unknown.length > 0) {
    throw new ChaosUsageError(
      `Expected \`--${name}\` from ${allowed.join(', ')}, got \`${unknown.join(', ')}\``,
    );
  }
  return [...new Set(items)] as T[];
}

function integer(raw: string, name: string, min: number, max: number): number {
  const value = /^-?[0-9]+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= min && value <= max)) {
    throw new ChaosUsageError(
      `Expected \`--${name}\` to be an integer from ${min} to ${max}, got \`${raw}\``,
    );
  }
  return value;
}
