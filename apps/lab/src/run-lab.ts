import type { Fleet } from '@concurrency-lab/launcher';
import { cpus, totalmem } from 'node:os';
import type { StreamPlan, LoadDriver } from './drivers/load-driver';
import type { LabOptions } from './lab-options';
import { Progress } from './progress';
import type { ModelResult, Report, ScenarioReport } from './report/report-schema';
import { lessonsFor, verdictFor } from './report/verdict';
import { Sampler } from './sampler';
import type { Scenario, ScenarioCatalog } from './scenario-catalog';

export interface LabRunContext {
  options: LabOptions;
  catalog: ScenarioCatalog;
  driver: LoadDriver;
  /**
   * Starts upstream and the models (the caller owns the fleet, so Ctrl-C can stop it at any
   * point); `upstream` is the catalog's site settings, `workers` the options'.
   */
  startFleet(settings: { workers: number; upstreamEnv: Record<string, string> }): Promise<Fleet>;
  progress: NodeJS.WriteStream;
}

/** The scenarios the options select, in catalog order; unknown ids are a usage error upstream. */
export function selectScenarios(catalog: ScenarioCatalog, ids: string[] | undefined): Scenario[] {
  if (!ids) return catalog.scenarios;
  const unknown = ids.filter((id) => !catalog.scenarios.some((s) => s.id === id));
  if (unknown.length) {
    throw new Error(
      `Unknown scenario ${unknown.map((u) => `\`${u}\``).join(', ')}; expected ${catalog.scenarios.map((s) => s.id).join(', ')}`,
    );
  }
  return catalog.scenarios.filter((s) => ids.includes(s.id));
}

/**
 * The run, scenario-major: every model takes the same scenario back to back, so slow drift of
 * a shared machine (thermal, neighbours) falls on all models of a scenario alike instead of on
 * whichever model ran last. Each measurement is preceded by a warm-up that is thrown away.
 */
export async function runLab(ctx: LabRunContext): Promise<Report> {
  const { options, catalog, driver } = ctx;
  const scenarios = selectScenarios(catalog, options.scenarios);
  const perRun = options.durationSeconds + options.warmupSeconds + 0.5;
  const progress = new Progress(
    ctx.progress,
    scenarios.length * options.models.length * perRun + 5,
  );

  progress.step(
    `starting upstream and ${options.models.join(', ')} with WORKERS=${options.workers}`,
  );
  const fleet = await ctx.startFleet({
    workers: options.workers,
    upstreamEnv: {
      UPSTREAM_PAGES: String(catalog.upstream.pages),
      UPSTREAM_LATENCY_MS: String(catalog.upstream.latencyMs),
    },
  });

  const reports: ScenarioReport[] = [];
  for (const scenario of scenarios) {
    const results: ModelResult[] = [];
    for (const { model, service } of fleet.models) {
      const streams = plan(scenario, service.url, options);
      progress.step(`${scenario.id} · ${model} · warm-up`);
      const what = { scenarioId: scenario.id, model, baseUrl: service.url };
      await driver.run({ ...what, streams, durationSeconds: options.warmupSeconds });
      progress.step(`${scenario.id} · ${model}`);
      const sampler = new Sampler(service.url, service.pid);
      sampler.start();
      const streamResults = await driver.run({
        ...what,
        streams,
        durationSeconds: options.durationSeconds,
        onSecond: (rps) => {
          sampler.recordRps(rps);
          progress.tick(rps);
        },
      });
      const samples = sampler.stop();
      results.push({
        model,
        streams: streamResults,
        samples,
        summary: summarize(streamResults, samples, sampler.rssPeakBytes),
      });
    }
    reports.push({
      id: scenario.id,
      title: scenario.title,
      lesson: scenario.lesson,
      guide: scenario.guide,
      results,
      verdict: verdictFor(scenario.guide, results),
    });
  }
  progress.done('load done; stopping services');

  const cpuList = cpus();
  return {
    schemaVersion: 1,
    createdAt: new Date().toISOString(),
    machine: {
      cpus: cpuList.length,
      cpuModel: cpuList[0]?.model ?? 'unknown',
      memoryBytes: totalmem(),
      platform: process.platform,
      arch: process.arch,
      node: process.version,
    },
    options: {
      models: options.models,
      scenarios: scenarios.map((s) => s.id),
      durationSeconds: options.durationSeconds,
      warmupSeconds: options.warmupSeconds,
      rate: options.rate ?? null,
      connections: options.connections ?? null,
      workers: options.workers,
      driver: driver.name,
      quick: options.quick,
    },
    scenarios: reports,
    lessons: lessonsFor(reports),
  };
}

function plan(scenario: Scenario, baseUrl: string, options: LabOptions): StreamPlan[] {
  return scenario.streams.map((s) => ({
    name: s.name,
    url: baseUrl + s.path,
    method: s.method,
    connections: (s.measure ? options.connections : undefined) ?? s.connections,
    rate: (s.measure ? options.rate : undefined) ?? s.rate,
    measure: s.measure,
  }));
}

function summarize(
  streams: ModelResult['streams'],
  samples: ModelResult['samples'],
  /** The OS's RSS peak over the run, sampled whether or not the model answered /metrics. */
  rssPeakBytes: number,
): ModelResult['summary'] {
  const measured = streams.find((s) => s.measure) ?? streams[0];
  const mean = (values: number[]) =>
    values.length ? values.reduce((a, b) => a + b, 0) / values.length : 0;
  // The first sample has no CPU delta yet; leave it out of the CPU mean.
  const cpuSamples = samples.slice(1).map((s) => s.cpuPercent);
  return {
    rps: measured?.rps ?? 0,
    p50Ms: measured?.latencyMs.p50 ?? 0,
    p95Ms: measured?.latencyMs.p95 ?? 0,
    p99Ms: measured?.latencyMs.p99 ?? 0,
    failed: streams.reduce((n, s) => n + s.failed, 0),
    dropped: measured?.dropped ?? 0,
    rssPeakBytes: Math.max(rssPeakBytes, ...samples.map((s) => s.rssBytes)),
    cpuPercentMean: Math.round(mean(cpuSamples) * 10) / 10,
    lagP99MaxMs: Math.max(0, ...samples.map((s) => s.lagP99Ms)),
    eluMean: Math.round(mean(samples.map((s) => s.elu)) * 1000) / 1000,
  };
}
