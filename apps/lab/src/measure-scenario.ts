import { IntervalWindow } from './drivers/interval-window';
import type { LoadDriver, StreamPlan } from './drivers/load-driver';
import type { Progress } from './progress';
import type { ModelResult } from './report/report-schema';
import { summarize } from './report/summarize';
import { readRssBytes, Sampler } from './sampler';
import type { Scenario } from './scenario-catalog';
import type { LabTarget } from './targets';

/** What a measurement needs from the command that runs it (`lab`, `lab sweep`). */
export interface MeasureContext {
  driver: LoadDriver;
  options: {
    warmupSeconds: number;
    durationSeconds: number;
    sampleIntervalMs: number;
    /** Overrides the measured stream's arrival rate. */
    rate?: number | undefined;
    /** Overrides the measured stream's connections. */
    connections?: number | undefined;
  };
}

/** One model in one scenario: idle memory, warm-up (thrown away), then the measurement. */
export async function measureScenario(
  ctx: MeasureContext,
  scenario: Scenario,
  target: LabTarget,
  progress: Progress,
): Promise<ModelResult> {
  const { options, driver } = ctx;
  const streams = planStreams(scenario, target.url, options);
  const what = { scenarioId: scenario.id, model: target.model, baseUrl: target.url };
  const rssIdleBytes = await readRssBytes(target.url, target.pid);
  progress.step(`${scenario.id} · ${target.model} · warm-up`);
  const window = new IntervalWindow();
  const sampler = new Sampler({
    baseUrl: target.url,
    pid: target.pid,
    intervalMs: options.sampleIntervalMs,
    window,
    onSample: (s) => progress.tick(s.rps),
  });
  const measured = driver.run({
    ...what,
    streams,
    warmupSeconds: options.warmupSeconds,
    durationSeconds: options.durationSeconds,
    window,
    onMeasure: () => {
      progress.step(`${scenario.id} · ${target.model}`);
      sampler.start();
    },
  });
  // The sampler stops whatever the driver did, so no timer outlives a failed run.
  const [streamResults, samples] = await Promise.all([
    measured,
    measured.then(
      () => sampler.stop(),
      () => sampler.stop(),
    ),
  ]);
  // A target whose every scrape timed out (a saturated loop) still gets its memory figure:
  // one reading after the load, when it answers again. A local tree was read every interval.
  const rssAfterBytes = target.pid === undefined ? await readRssBytes(target.url, undefined) : 0;
  return {
    model: target.model,
    workers: target.workers,
    streams: streamResults,
    samples,
    summary: summarize(streams, streamResults, samples, { rssIdleBytes, rssAfterBytes }),
  };
}

/**
 * The streams a scenario sends, with the CLI's overrides on the measured one. A stream with a
 * rate holds at most `rate` connections: its arrivals take the longest-idle connection (pacer.ts),
 * so with more connections than arrivals a second some would sit idle past autocannon's 30 s
 * request timeout (its timer runs from a connection's last send) and count as timeouts, and they
 * would hold nothing — the report divides memory by the connections really held. The catalog's
 * streams ask for a rate of at least their connections (a test holds it); `--rate` below a
 * scenario's connections, or `workload-rate` on a slow workload, does not. k6 runs the catalog's
 * plan only (`--rate`/`--connections` are refused with it).
 */
export function planStreams(
  scenario: Pick<Scenario, 'streams'>,
  baseUrl: string,
  options: Pick<MeasureContext['options'], 'rate' | 'connections'>,
): StreamPlan[] {
  return scenario.streams.map((s) => {
    const connections = (s.measure ? options.connections : undefined) ?? s.connections;
    const rate = (s.measure ? options.rate : undefined) ?? s.rate;
    return {
      name: s.name,
      url: baseUrl + s.path,
      method: s.method,
      connections: rate === undefined ? connections : Math.min(connections, rate),
      rate,
      measure: s.measure,
    };
  });
}
