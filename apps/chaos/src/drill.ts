import type { Fleet, FleetOptions, ServiceProcess } from '@concurrency-lab/launcher';
import type { ModelInfo, ModelName } from '@concurrency-lab/models';

export const DRILL_NAMES = [
  'overload',
  'worker-kill',
  'pool-crash',
  'rolling-restart',
  'graceful-stop',
  'upstream-faults',
  'soak',
  'fuzz',
] as const;
export type DrillName = (typeof DRILL_NAMES)[number];

/** A registry row with its label typed as a model name. */
export type RegistryModel = ModelInfo & { readonly model: ModelName };

/** One line of the table: one drill against one model. */
export interface DrillRow {
  drill: DrillName;
  model: ModelName;
  /** Requests the drill sent (fuzz: cases). */
  requests: number;
  /** Requests that failed where the drill says none may (its own definition, in the notes). */
  lost: number;
  /** p99 of the accepted (2xx) answers, ms. */
  p99Ms: number | undefined;
  /** Peak RSS of the model's process tree during the drill. */
  rssPeakBytes: number | undefined;
  /** The drill's recovery figure (see {@link Drill.recovery}), ms. */
  recoveryMs: number | undefined;
  /** Figures beyond the columns, one short phrase each. */
  notes: string[];
  /** Broken budgets; empty when the drill held. */
  violations: string[];
}

/** How long each part of the drills runs: the full run and `--quick` (CI) differ only here. */
export interface Durations {
  /** Closed-loop measurement of capacity (after a 1 s warm-up). */
  capacityMs: number;
  /** Each of the 1× and 3× overload runs. */
  overloadMs: number;
  /** Pause between two worker kills (load keeps running). */
  killIntervalMs: number;
  /** Load before and after the pool crashes. */
  poolCrashMs: number;
  /** Scraping a faulty upstream. */
  upstreamMs: number;
  /** The soak, warm-up included, and its warm-up. */
  soakMs: number;
  soakWarmupMs: number;
  /** Run every model's soak at once (each at its share of half the machine) instead of in turn. */
  soakTogether: boolean;
  /**
   * Judge the memory slopes against their budget. Off in --quick: 45 s after a 15 s warm-up
   * cannot tell a leak from a heap still growing to its working size (quick runs measured
   * 2–37 MiB/min of RSS, the most on cluster's five processes), so a quick run prints the slopes
   * and judges only what a short run can: failures, descriptors, threads. The full run judges
   * them over four minutes after a two-minute warm-up.
   */
  soakJudgesSlopes: boolean;
  /**
   * The share of the soak's requests that may be shed (503 `ERR_OVERLOADED` with `Retry-After`)
   * without breaking its budget; any other answer but 200 always breaks it, and so does an
   * episode of sheds longer than `SOAK_SHED_EPISODE_MAX_MS`. 0 in the full run: one model alone
   * at half its capacity must never shed. --quick soaks every model at once on the same cores
   * (here 15 service processes and 5 load generators on 2 cores): a scheduling stall can hold
   * an event loop past `MAX_EVENT_LOOP_DELAY_MS` for a moment, and admission then refuses work
   * as it is designed to, until its next calm sample. It hits the models that compute on their
   * event loop (async, cluster's workers), which the scheduler preempts more than an idle one.
   * Fresh-clone CI runs shed 0.2 % (7 of 4,232 on cluster; 10 of 5,934), 1.1 % (41 of 3,875 and
   * 39 of 3,709 on async) and 1.7 % (112 of 6,481 on cluster): 5 % leaves room for that spread,
   * and admission gone wrong at half capacity sheds far more, or for longer than one episode.
   */
  soakShedShareMax: number;
}

export const FULL_DURATIONS: Durations = {
  capacityMs: 5000,
  overloadMs: 60_000,
  killIntervalMs: 3000,
  poolCrashMs: 5000,
  upstreamMs: 20_000,
  // Judged over the last 4 minutes of 6. The threads model's RSS climbs for about 2 minutes
  // under this load, then stays flat: an 8-minute run here measured 265 MB after 1 minute,
  // 299 MB after 2 and 299–300 MB for the 6 after that. A 1-minute warm-up judged that climb
  // as an 11 MiB/min leak.
  soakMs: 360_000,
  soakWarmupMs: 120_000,
  soakTogether: false,
  soakJudgesSlopes: true,
  soakShedShareMax: 0,
};

/**
 * CI: every drill on every model in about 4 minutes on 2 cores, as measured (the README's
 * figure); nothing caps the total. The soak runs all models at once.
 */
export const QUICK_DURATIONS: Durations = {
  capacityMs: 2000,
  overloadMs: 5000,
  killIntervalMs: 1500,
  poolCrashMs: 2000,
  upstreamMs: 5000,
  soakMs: 60_000,
  soakWarmupMs: 15_000,
  soakTogether: true,
  soakJudgesSlopes: false,
  soakShedShareMax: 0.05,
};

/** What a drill sets of the fleet it starts; the rest are the chaos defaults. */
export type DrillFleetOptions = Pick<FleetOptions, 'upstream' | 'modelEnv'>;

/** What every drill gets from the runner. */
export interface DrillContext {
  durations: Durations;
  /** Fuzz cases per model. */
  fuzzRuns: number;
  /** fast-check seed for the fuzz (random when undefined). */
  seed: number | undefined;
  /** WORKERS for every model. */
  workers: number;
  /**
   * Starts the given models (with the chaos defaults) — stopped by the runner if the drill throws.
   */
  startFleet(models: readonly ModelName[], options?: DrillFleetOptions): Promise<Fleet>;
  /**
   * Requests per second `model` serves on the overload workload: measured once (on the running
   * service at `base`, or on a fleet of its own) and then cached for the other drills.
   */
  capacity(model: ModelName, base?: string): Promise<number>;
  /** One line of progress on stderr. */
  progress: (line: string) => void;
}

export interface Drill<N extends DrillName = DrillName> {
  /** The one place a drill's name is written: every row it makes is filed under it. */
  name: N;
  /** What it does and what it requires, for `--help`. */
  summary: string;
  /** What the recovery column means for this drill. */
  recovery: string;
  /** Models of the registry this drill applies to. */
  appliesTo(model: ModelInfo): boolean;
  /**
   * Runs against `models` (all applicable): one row each, or none where it turned out not to apply.
   */
  run(ctx: DrillContext, models: readonly RegistryModel[]): Promise<DrillRow[]>;
}

/** A drill that runs model by model: a {@link Drill} whose `run` is one model's. */
export interface PerModelDrill<N extends DrillName> extends Omit<Drill<N>, 'run'> {
  /**
   * How each model's fleet starts (the upstream, environment beyond the chaos defaults); a
   * function where that depends on the run or the model — overload's MAX_QUEUE is split over
   * `ctx.workers`.
   */
  fleet: DrillFleetOptions | ((ctx: DrillContext, model: ModelName) => DrillFleetOptions);
  /**
   * Runs against one model's service, on a fleet of its own, filling `row` — this drill's row
   * for that model, nothing measured yet — and returns it, or undefined where the drill turned
   * out not to apply.
   */
  runModel: (
    ctx: DrillContext,
    target: { model: ModelName; service: ServiceProcess },
    row: DrillRow,
  ) => Promise<DrillRow | undefined>;
}

/**
 * A drill run model by model, each on a fresh fleet of that model alone, stopped once its run
 * ends however it ends; its rows are filed under its `name` (said once, so no row can land
 * under another drill's). A model whose run throws (a service that would not start) is a row
 * with that violation; the other models still run.
 */
export function perModelDrill<N extends DrillName>({
  runModel,
  fleet: fleetOptions,
  ...drill
}: PerModelDrill<N>): Drill<N> {
  return {
    ...drill,
    async run(ctx, models) {
      const rows: DrillRow[] = [];
      for (const { model } of models) {
        try {
          const fleet = await ctx.startFleet(
            [model],
            typeof fleetOptions === 'function' ? fleetOptions(ctx, model) : fleetOptions,
          );
          try {
            const service = fleet.service(model);
            const row = await runModel(ctx, { model, service }, emptyRow(drill.name, model));
            if (row) rows.push(row);
          } finally {
            await fleet.stop();
          }
        } catch (error) {
          rows.push(failedRow(drill.name, model, error));
        }
      }
      return rows;
    },
  };
}

/** The row of a drill that could not run to its end. */
export function failedRow(drill: DrillName, model: ModelName, error: unknown): DrillRow {
  const row = emptyRow(drill, model);
  const message = error instanceof Error ? error.message : String(error);
  row.violations.push(`the drill failed: ${message.split('\n')[0] ?? message}`);
  return row;
}

/** A row with nothing measured yet. */
export function emptyRow(drill: DrillName, model: ModelName): DrillRow {
  return {
    drill,
    model,
    requests: 0,
    lost: 0,
    p99Ms: undefined,
    rssPeakBytes: undefined,
    recoveryMs: undefined,
    notes: [],
    violations: [],
  };
}
