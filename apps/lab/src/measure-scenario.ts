import { IntervalWindow } from './drivers/interval-window';
import type { LoadDriver, StreamPlan } from './drivers/load-driver';
import type { Progress } from './progress';
import type { ModelResult } from './report/report-schema';
import { summarize } from './report/summarize';
import { askForCollection } from './full-collection';
import { holdForCollection } from './live-heap';
import { readHeldState, readOldSpaceBytes, readRssBytes, Sampler } from './sampler';
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

/** Past a scenario's longest wait, how long the warm-up runs on before the measurement starts. */
export const WARMUP_MARGIN_SECONDS = 0.25;

/**
 * The longest a scenario's requests are asked to wait (seconds): the largest `ms=` of its
 * streams' paths (`/io/sleep?ms=750`, `/mixed?ms=20`); 0 when none asks for one.
 */
export function longestWaitSeconds(scenario: Pick<Scenario, 'streams'>): number {
  const waits = scenario.streams.map((s) => {
    const ms = Number(new URL(s.path, 'http://x').searchParams.get('ms'));
    return Number.isFinite(ms) && ms > 0 ? ms : 0;
  });
  return Math.max(0, ...waits) / 1000;
}

/**
 * The warm-up a scenario gets: the timing's (`--quick` 0.25 s, else 2 s), or — when the scenario's
 * requests wait longer than that — its longest wait plus {@link WARMUP_MARGIN_SECONDS}. A warm-up
 * shorter than the wait would end before the first answer came back: the measurement would open
 * on silence (io under `--quick`: no answer in its first half second, every model "overloaded").
 */
export function warmupFor(scenario: Pick<Scenario, 'streams'>, warmupSeconds: number): number {
  const wait = longestWaitSeconds(scenario);
  return wait > 0 ? Math.max(warmupSeconds, wait + WARMUP_MARGIN_SECONDS) : warmupSeconds;
}

/**
 * One model in one scenario: idle memory, warm-up (thrown away), then the measurement; in a
 * scenario judged on memory per connection, then the live heap of its connections held
 * (live-heap.ts).
 */
export async function measureScenario(
  ctx: MeasureContext,
  scenario: Scenario,
  target: LabTarget,
  progress: Progress,
): Promise<ModelResult> {
  const { options, driver } = ctx;
  const streams = planStreams(scenario, target.url, options);
  const what = { scenarioId: scenario.id, model: target.model, baseUrl: target.url };
  const perConnection = scenario.judge === 'memory-per-connection';
  const rssIdleBytes = await readRssBytes(target.url, target.pid);
  // The heap's baseline only where the live heap is read: a scrape a busy loop may not answer.
  const oldSpaceIdleBytes = perConnection ? await readOldSpaceBytes(target.url) : null;
  progress.step(`${scenario.id} · ${target.model} · warm-up`);
  // Only a driver that records each answer as it comes fills a window; without one the samples'
  // req/s and p99 are null (unknown), never a 0 read from an empty window.
  const window = driver.recordsIntervals ? new IntervalWindow() : undefined;
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
    warmupSeconds: warmupFor(scenario, options.warmupSeconds),
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
  let oldSpaceHeldBytes: number | null = null;
  if (perConnection) {
    progress.step(
      `${scenario.id} · ${target.model} · holding the connections for a full collection`,
    );
    const connections = streams.reduce((n, s) => n + s.connections, 0);
    // One scrape a reading: the hold asks whether every request arrived right after reading.
    let active: number | null = null;
    oldSpaceHeldBytes = await holdForCollection({
      baseUrl: target.url,
      connections,
      read: async () => {
        const held = await readHeldState(target.url);
        active = held.activeRequests;
        return held.oldSpaceBytes;
      },
      // A model the lab started catches the signal that asks for one (full-collection.ts); a
      // --targets URL is left to V8's own timing.
      collect: () => target.pid !== undefined && askForCollection(target.pid) > 0,
      // The scrape that read it is itself one active request: `connections` more is all.
      allArrived: () => Promise.resolve((active ?? 0) > connections),
    });
  }
  return {
    model: target.model,
    workers: target.workers,
    streams: streamResults,
    samples,
    summary: summarize(streams, streamResults, samples, {
      rssIdleBytes,
      rssAfterBytes,
      oldSpaceIdleBytes,
      oldSpaceHeldBytes,
    }),
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
