import type { ModelResult, ScenarioReport } from '../report/report-schema';
import { answeredOnly } from '../report/verdict';
import { ScenarioCatalogError } from '../errors';
import type { Scenario } from '../scenario-catalog';
import type { WorkloadProbe } from './probe-workload';

/** The route a service started with `LAB_WORKLOAD` serves the workload on (cycling its inputs). */
export const WORKLOAD_PATH = '/work/custom';

/** A scenario of the run; the workload's are partly decided by what was measured before them. */
export interface LabScenario extends Scenario {
  /** Built when its turn comes, from the scenarios already measured. */
  resolve?(done: readonly ScenarioReport[]): Scenario;
  /**
   * The scenario `resolve` builds this one from: `--scenarios` without it is refused
   * (selectScenarios), since nothing measured would leave this one a made-up plan.
   */
  needs?: string;
  /** The guide's prediction, decided from this scenario's own figures. */
  guideFrom?(results: ModelResult[]): Scenario['guide'];
}

/** The two rows of the guide's table a workload can fall in. */
export interface GuideRows {
  readonly cpuBound: Scenario['guide'];
  readonly ioBound: Scenario['guide'];
}

/**
 * The guide's CPU-bound and I/O-bound rows, read from the catalog's `cpu` and `scrape` scenarios:
 * scenarios.json is their one definition (which models are "processes", which "threads or
 * asyncio"), so a workload is judged by the same words and models as the catalog's scenarios.
 */
export function guideRows(catalog: readonly Scenario[]): GuideRows {
  const row = (id: string, name: string): Scenario['guide'] => {
    const guide = catalog.find((s) => s.id === id)?.guide;
    if (!guide) {
      throw new ScenarioCatalogError(
        `Expected load-tests/scenarios.json to hold a \`${id}\` scenario ` +
          `(the guide's ${name} row), got none`,
      );
    }
    return guide;
  };
  return { cpuBound: row('cpu', 'CPU-bound'), ioBound: row('scrape', 'I/O-bound') };
}

/**
 * Which row of the guide's table the workload falls in, from the saturation run: work that keeps
 * one event loop busy (async's event-loop utilization ≥ 0.7) is CPU-bound; work that leaves it
 * mostly waiting is I/O-bound. Without async's utilization — async not in the run, no answers
 * from it, or no /metrics scrape answered (a loop too busy to answer is the CPU-bound case) —
 * the busiest model's CPU decides, among the models that answered (all when none did).
 */
export function workloadGuide(rows: GuideRows, results: ModelResult[]): Scenario['guide'] {
  const answered = answeredOnly(results);
  const elu = answered.find((r) => r.model === 'async')?.summary.eluMean ?? null;
  const busiest = Math.max(
    0,
    ...(answered.length ? answered : results).map((r) => r.summary.cpuPercentMean),
  );
  const cpuBound = elu === null ? busiest >= 70 : elu >= 0.7;
  return cpuBound ? rows.cpuBound : rows.ioBound;
}

/** Saturation connections: enough to keep a pool of 16 busy, and short waits overlapping. */
const SATURATION_CONNECTIONS = 32;

/**
 * `--workload`'s three scenarios, run after the catalog's: saturation (capacity), a fixed rate at
 * half the slowest answering model's capacity (latency and memory when nobody is saturated), and
 * fairness (the catalog's fairness probe beside it). Judged like the catalog's: throughput, p99,
 * p99.
 */
export function workloadScenarios(
  probe: WorkloadProbe,
  catalog: readonly Scenario[],
): LabScenario[] {
  const name = probe.describe;
  const rows = guideRows(catalog);
  const stream = {
    name: 'workload',
    method: 'GET',
    path: WORKLOAD_PATH,
    connections: SATURATION_CONNECTIONS,
    measure: true,
  } as const;
  const saturation: LabScenario = {
    id: 'workload',
    title: `Your workload at saturation: ${name}`,
    lesson: `${name}, as fast as each model can run it (${SATURATION_CONNECTIONS} connections, closed loop): its capacity on this machine.`,
    guide: rows.cpuBound,
    guideFrom: (results) => workloadGuide(rows, results),
    streams: [stream],
  };
  const rate: LabScenario = {
    ...saturation,
    id: 'workload-rate',
    judge: 'p99',
    guideFrom: undefined,
    // Its rate is half of what `workload` measured: without it, the rate fell back to 1 req/s
    // while the report said "half the slowest model's capacity".
    needs: 'workload',
    resolve(done) {
      const measured = done.find((s) => s.id === 'workload');
      // Over the models that answered: one with none is no capacity (a service that died) and
      // would set the rate to 1 req/s for every model.
      const slowest = Math.min(...answeredOnly(measured?.results ?? []).map((r) => r.summary.rps));
      const perSecond = Math.max(1, Math.floor((Number.isFinite(slowest) ? slowest : 2) / 2));
      return {
        ...rate,
        title: `Your workload at a fixed ${perSecond} req/s: ${name}`,
        lesson: `${name} at half the slowest answering model's capacity (${perSecond} req/s): latency and memory when no model is saturated.`,
        guide: measured?.guide ?? rows.cpuBound,
        streams: [{ ...stream, rate: perSecond }],
      };
    },
  };
  // The catalog's fairness scenario with the workload in place of its CPU background: the same
  // measured probe, so both lessons judge the same requests.
  const catalogFairness = catalog.find((s) => s.id === 'fairness');
  const ioProbe = catalogFairness?.streams.find((s) => s.measure);
  if (!catalogFairness || !ioProbe) {
    throw new ScenarioCatalogError(
      'Expected load-tests/scenarios.json to hold a `fairness` scenario with a measured stream, got none',
    );
  }
  const fairness: LabScenario = {
    ...catalogFairness,
    id: 'workload-fairness',
    title: `Fairness: ${ioProbe.path} requests beside your workload (${name})`,
    lesson: `Does ${name} block other requests? The fairness probe (${ioProbe.path}) runs while 4 connections keep the workload running.`,
    streams: [
      {
        name: 'workload-background',
        method: 'GET',
        path: WORKLOAD_PATH,
        connections: 4,
        measure: false,
      },
      ioProbe,
    ],
  };
  return [saturation, rate, fairness];
}
