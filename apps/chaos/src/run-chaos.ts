import { Fleet, type FleetOptions } from '@concurrency-lab/launcher';
import { MODELS, modelInfo, type ModelName } from '@concurrency-lab/models';
import type { ChaosOptions } from './cli-options';
import {
  FULL_DURATIONS,
  QUICK_DURATIONS,
  type DrillContext,
  type DrillName,
  type DrillRow,
  type RegistryModel,
  failedRow,
} from './drill';
import { DRILLS } from './drills/index';
import { ChaosUsageError } from './errors';
import { measureCapacity } from './workload';

export interface ChaosRun {
  options: ChaosOptions;
  progress: (line: string) => void;
  /** Aborted on Ctrl-C: the running fleet is stopped, no new one starts. */
  signal: AbortSignal;
}

/** The fleets running now, so an interrupt can stop them. */
export const runningFleets = new Set<Fleet>();
/**
 * The fleet starts under way: an interrupt waits for them, since a fleet still starting is not
 * in {@link runningFleets} yet and exiting then would leave its services running. Each ends
 * either with its fleet in `runningFleets` or, once it sees the abort, with what it launched
 * stopped (see `FleetOptions.signal`).
 */
export const startingFleets = new Set<Promise<unknown>>();

/**
 * What Ctrl-C or SIGTERM runs before the process exits: no new fleet starts, the starts under
 * way end (stopping what they launched), and every running fleet stops.
 */
export async function stopEveryFleet(abort: AbortController): Promise<void> {
  abort.abort();
  await Promise.allSettled([...startingFleets]);
  await Promise.all([...runningFleets].map((f) => f.stop()));
}

/** One selected drill and the selected models it applies to (at least one). */
export interface PlannedDrill {
  name: DrillName;
  models: RegistryModel[];
}

/**
 * Each selected drill with the selected models it applies to, in the order they run; a drill
 * that applies to none of them is left out. @throws ChaosUsageError when that leaves nothing:
 * a run of no drill at all would print an empty table and "every budget held".
 */
export function planDrills(options: Pick<ChaosOptions, 'drills' | 'models'>): PlannedDrill[] {
  const planned: PlannedDrill[] = [];
  for (const name of options.drills) {
    const drill = DRILLS[name];
    const models = MODELS.filter(
      (m) => options.models.includes(m.model) && drill.appliesTo(modelInfo(m.model)),
    );
    if (models.length > 0) planned.push({ name, models });
  }
  if (planned.length === 0) {
    const drills = options.drills.map((name) => {
      const models = MODELS.filter((m) => DRILLS[name].appliesTo(m)).map((m) => m.model);
      return `${name} (applies to ${models.join(', ')})`;
    });
    throw new ChaosUsageError(
      `Expected \`--drills\` to include a drill that applies to \`--models\` ${options.models.join(', ')}, got only ${drills.join(', ')}`,
    );
  }
  return planned;
}

/**
 * Every selected drill against every selected model it applies to, one after another (they
 * share two cores: drills side by side would measure each other), each on fresh services.
 */
export async function runChaos(run: ChaosRun): Promise<DrillRow[]> {
  const { options } = run;
  const capacities = new Map<ModelName, number>();
  const durations = options.quick ? QUICK_DURATIONS : FULL_DURATIONS;
  const ctx: DrillContext = {
    durations,
    fuzzRuns: options.fuzzRuns,
    seed: options.seed,
    workers: options.workers,
    progress: run.progress,
    startFleet: async (models, extra = {}) => {
      run.signal.throwIfAborted();
      const fleetOptions: FleetOptions = {
        models,
        ...(extra.upstream !== undefined ? { upstream: extra.upstream } : {}),
        // The services' own defaults (MAX_QUEUE, timeouts, admission) are what is drilled,
        // but for what a drill sets (overload's MAX_QUEUE, pool-crash's fault switch); only
        // WORKERS is pinned, and the `listening` line needs LOG_LEVEL info.
        modelEnv: { WORKERS: String(options.workers), LOG_LEVEL: 'info', ...extra.modelEnv },
        signal: run.signal,
      };
      // Tracked until its fleet is in runningFleets: an interrupt waits for this whole step.
      const starting = (async () => {
        const fleet = await Fleet.start(fleetOptions);
        runningFleets.add(fleet);
        const stop = fleet.stop.bind(fleet);
        // Stopped fleets leave the set, whoever stops them.
        Object.assign(fleet, { stop: () => stop().finally(() => runningFleets.delete(fleet)) });
        return fleet;
      })();
      startingFleets.add(starting);
      try {
        return await starting;
      } finally {
        startingFleets.delete(starting);
      }
    },
    capacity: async (model, base) => {
      const known = capacities.get(model);
      if (known !== undefined) return known;
      let measured: number;
      if (base) measured = await measureCapacity(base, durations.capacityMs);
      else {
        const fleet = await ctx.startFleet([model], { upstream: false });
        try {
          measured = await measureCapacity(fleet.service(model).url, durations.capacityMs);
        } finally {
          await fleet.stop();
        }
      }
      capacities.set(model, measured);
      return measured;
    },
  };

  const rows: DrillRow[] = [];
  for (const { name, models } of planDrills(options)) {
    const drill = DRILLS[name];
    run.progress(`${name}: ${models.map((m) => m.model).join(', ')}`);
    try {
      rows.push(...(await drill.run(ctx, models)));
    } catch (error) {
      if (run.signal.aborted) throw error;
      rows.push(...models.map((m) => failedRow(name, m.model, error)));
    }
  }
  return rows;
}
