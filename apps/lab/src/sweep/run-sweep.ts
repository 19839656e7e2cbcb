import { Fleet } from '@concurrency-lab/launcher';
import { cpus, loadavg } from 'node:os';
import type { LoadDriver } from '../drivers/load-driver';
import { measureScenario } from '../measure-scenario';
import { Progress } from '../progress';
import {
  measuredServiceEnv,
  upstreamEnv,
  type Scenario,
  type ScenarioCatalog,
} from '../scenario-catalog';
import { ServiceWatch } from '../service-watch';
import { readWorkers } from '../targets';
import { kneeLine, kneeOf } from './knee';
import type { SweepOptions } from './sweep-options';
import type { Sweep, SweepPoint } from './sweep-schema';

export interface SweepContext {
  options: SweepOptions;
  scenario: Scenario;
  /** How the upstream site and the models run (scenarios.json's `upstream`, `serviceEnv`). */
  catalog: Pick<ScenarioCatalog, 'upstream' | 'serviceEnv'>;
  driver: LoadDriver;
  progress: NodeJS.WriteStream;
  /** Ctrl-C: aborts a start and stops what runs. */
  signal: AbortSignal;
  /** Each fleet as it starts, so the caller can stop it on Ctrl-C. */
  onFleet(fleet: Promise<Fleet>): void;
}

/**
 * Size-major: for each WORKERS the fleet is started afresh (a pool's size is fixed at start),
 * every model takes the scenario in turn, and the fleet stops before the next size — the
 * models of one size share the machine's state, as in `lab`.
 */
export async function runSweep(ctx: SweepContext): Promise<Sweep> {
  const { options, scenario } = ctx;
  const loadAtStart = loadavg();
  const sizes = Array.from({ length: options.maxWorkers }, (_, i) => i + 1);
  const perRun = options.durationSeconds + options.warmupSeconds + 0.4;
  const progress = new Progress(
    ctx.progress,
    options.repeats * sizes.length * (options.models.length * perRun + 3),
  );
  const points: SweepPoint[] = [];
  // Up, then down, then up…: each size sees early and late machine states alike.
  const passes = Array.from({ length: options.repeats }, (_, repeat) =>
    (repeat % 2 === 0 ? sizes : [...sizes].reverse()).map((workers) => ({ workers, repeat })),
  ).flat();
  for (const { workers, repeat } of passes) {
    progress.step(`WORKERS=${workers}: starting ${options.models.join(', ')}`);
    // A service that exits while this size is measured ends the sweep (see ServiceWatch).
    const watch = new ServiceWatch();
    const starting = Fleet.start({
      models: options.models,
      upstream: { env: upstreamEnv(ctx.catalog) },
      // Capacity, as in `lab run`: neither the pending-work bound nor event-loop admission sheds.
      modelEnv: {
        WORKERS: String(workers),
        ...measuredServiceEnv(ctx.catalog),
        LOG_LEVEL: 'info',
      },
      signal: ctx.signal,
      onUnexpectedExit: watch.onUnexpectedExit,
    });
    ctx.onFleet(starting);
    const fleet = await starting;
    try {
      for (const { model, service } of fleet.models) {
        const measuring = measureScenario(
          { driver: ctx.driver, options },
          { ...scenario, id: `${scenario.id} · WORKERS=${workers}` },
          {
            model,
            url: service.url,
            pid: service.pid,
            workers: await readWorkers(service.url).catch(() => null),
          },
          progress,
        );
        const result = await Promise.race([measuring, watch.died]);
        watch.check(fleet);
        points.push({ model, workers, repeat, summary: result.summary });
      }
    } finally {
      await fleet.stop();
    }
  }
  progress.done('sweep done');
  const cpuList = cpus();
  const knees = options.models.map((model) => kneeOf(model, points));
  return {
    kind: 'sweep',
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      node: process.version,
      loadAverage: { start: loadAtStart.map(round2), end: loadavg().map(round2) },
    },
    scenario: { id: scenario.id, title: scenario.title },
    options: {
      models: options.models,
      sizes,
      repeats: options.repeats,
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      quick: options.quick,
    },
    points,
    knees,
    line: kneeLine(knees, cpuList.length, scenario.id, options.maxWorkers),
  };
}

const round2 = (v: number) => Math.round(v * 100) / 100;
