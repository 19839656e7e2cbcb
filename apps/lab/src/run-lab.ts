import { cpus, loadavg, totalmem } from 'node:os';
import { UsageError } from './errors';
import type { LoadDriver } from './drivers/load-driver';
import type { LabOptions } from './lab-options';
import { Progress } from './progress';
import { chooseLines } from './report/choose';
import { lessonsFor } from './report/lessons';
import type { ModelResult, Report, ScenarioReport } from './report/report-schema';
import { verdictFor } from './report/verdict';
import { measureScenario } from './measure-scenario';
import type { Scenario } from './scenario-catalog';
import type { LabTarget } from './targets';
import type { LabScenario } from './workload/workload-scenarios';

export interface LabRunContext {
  options: LabOptions;
  /** The scenarios to run, in order: the catalog's selection, then the workload's. */
  scenarios: readonly LabScenario[];
  driver: LoadDriver;
  /** How the run is set up, for the report: mode, file limit, workload. */
  run: Report['run'];
  /**
   * Starts (or, with `--targets`, checks) the services; the caller owns what it starts, so
   * Ctrl-C can stop it at any point.
   */
  startTargets(): Promise<LabTarget[]>;
  progress: NodeJS.WriteStream;
}

/**
 * The scenarios the options select, in the given order; an unknown id is a usage error naming
 * the option the user gave (`--scenarios` for `lab`, `--scenario` for `lab sweep`), and so is a
 * scenario without the one it `needs` (built from its figures, so run before it: `all` is in
 * run order).
 */
export function selectScenarios<S extends Scenario & { needs?: string }>(
  all: readonly S[],
  ids: string[] | undefined,
  option = 'scenarios',
): S[] {
  if (!ids) return [...all];
  const unknown = ids.filter((id) => !all.some((s) => s.id === id));
  if (unknown.length) {
    throw new UsageError(
      `Expected \`--${option}\` from ${all.map((s) => s.id).join(', ')}; got ${unknown.map((u) => `\`${u}\``).join(', ')}`,
    );
  }
  const selected = all.filter((s) => ids.includes(s.id));
  const orphan = selected.find((s) => s.needs !== undefined && !ids.includes(s.needs));
  if (orphan) {
    throw new UsageError(
      `Expected \`--${option}\` to hold \`${orphan.needs}\` with \`${orphan.id}\`: ${orphan.id} is built from what ${orphan.needs} measures in the same run; got \`--${option} ${ids.join(',')}\``,
    );
  }
  return selected;
}

/**
 * The run, scenario-major: every model takes the same scenario back to back, so slow drift of
 * a shared machine (thermal, neighbours) falls on all models of a scenario alike instead of on
 * whichever model ran last. Each measurement is preceded by an idle memory reading and a
 * warm-up that is thrown away.
 */
export async function runLab(ctx: LabRunContext): Promise<Report> {
  const { options, driver } = ctx;
  const loadAtStart = loadavg();
  const perRun = options.durationSeconds + options.warmupSeconds + 0.4;
  const progress = new Progress(
    ctx.progress,
    ctx.scenarios.length * options.models.length * perRun + 5,
  );
  progress.step(
    ctx.run.mode === 'targets'
      ? `checking ${Object.entries(ctx.run.targets ?? {})
          .map(([m, url]) => `${m} at ${url}`)
          .join(', ')}`
      : `starting upstream and ${options.models.join(', ')} with WORKERS=${options.workers}`,
  );
  const targets = await ctx.startTargets();

  const reports: ScenarioReport[] = [];
  for (const planned of ctx.scenarios) {
    const scenario = planned.resolve ? planned.resolve(reports) : planned;
    const results: ModelResult[] = [];
    for (const target of targets) {
      results.push(await measureScenario(ctx, scenario, target, progress));
    }
    const guide = planned.guideFrom ? planned.guideFrom(results) : scenario.guide;
    reports.push({
      id: scenario.id,
      title: scenario.title,
      lesson: scenario.lesson,
      guide,
      results,
      verdict: verdictFor(scenario.judge ?? 'throughput', guide, results),
    });
  }
  progress.done(ctx.run.mode === 'targets' ? 'load done' : 'load done; stopping services');

  const cpuList = cpus();
  const loadAtEnd = loadavg();
  return {
    schemaVersion: 5,
    createdAt: new Date().toISOString(),
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      platform: process.platform,
      arch: process.arch,
      node: process.version,
      loadAverage: { start: round2(loadAtStart), end: round2(loadAtEnd) },
    },
    run: ctx.run,
    options: {
      models: options.models,
      scenarios: reports.map((s) => s.id),
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      sampleIntervalMs: options.sampleIntervalMs,
      rate: options.rate ?? null,
      connections: options.connections ?? null,
      workers: options.workers ?? null,
      driver: driver.name,
      quick: options.quick,
    },
    choose: chooseLines(reports, {
      sharedCores: ctx.run.sharedCores,
      cpus: cpuList.length,
      loadAverage: { start: loadAtStart[0] ?? 0, end: loadAtEnd[0] ?? 0 },
      workload: ctx.run.workload?.describe ?? null,
    }),
    scenarios: reports,
    lessons: lessonsFor(reports),
  };
}

const round2 = (values: number[]) => values.map((v) => Math.round(v * 100) / 100);
