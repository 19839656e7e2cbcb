import type { ModelResult, ScenarioReport } from '../report/report-schema';
import type { Scenario } from '../scenario-catalog';
import type { WorkloadProbe } from './probe-workload';

/** The route a service started with `LAB_WORKLOAD` serves the workload on (cycling its inputs). */
export const WORKLOAD_PATH = '/work/custom';

/** A scenario of the run; the workload's are partly decided by what was measured before them. */
export interface LabScenario extends Scenario {
  /** Built when its turn comes, from the scenarios already measured. */
  resolve?(done: readonly ScenarioReport[]): Scenario;
  /** The guide's prediction, decided from this scenario's own figures. */
  guideFrom?(results: ModelResult[]): Scenario['guide'];
}

/** The guide's words, the same the catalog's scenarios use. */
const CPU_BOUND = { prefers: ['cluster'], text: 'CPU-bound \u2192 processes (multiprocessing)' };
const IO_BOUND = { prefers: ['threads', 'async'], text: 'I/O-bound \u2192 threads or asyncio' };
const FAIRNESS = {
  prefers: ['threads', 'cluster'],
  text: "not in the guide's table: the event-loop-blocking lesson",
};

/**
 * Which row of the guide's table the workload falls in, from the saturation run: work that keeps
 * one event loop busy (async's event-loop utilization ≥ 0.7) is CPU-bound; work that leaves it
 * mostly waiting is I/O-bound. Without async in the run, the busiest model's CPU decides.
 */
export function workloadGuide(results: ModelResult[]): Scenario['guide'] {
  const loop = results.find((r) => r.model === 'async');
  const cpuBound = loop
    ? loop.summary.eluMean >= 0.7
    : Math.max(0, ...results.map((r) => r.summary.cpuPercentMean)) >= 70;
  return cpuBound ? CPU_BOUND : IO_BOUND;
}

/** Saturation connections: enough to keep a pool of 16 busy, and short waits overlapping. */
const SATURATION_CONNECTIONS = 32;

/**
 * `--workload`'s three scenarios, run after the catalog's: saturation (capacity), a fixed rate at
 * half the slowest model's capacity (latency and memory when nobody is saturated), and fairness
 * (10 ms I/O requests beside it). Judged like the catalog's: throughput, p99, p99.
 */
export function workloadScenarios(probe: WorkloadProbe): LabScenario[] {
  const name = probe.describe;
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
    guide: CPU_BOUND,
    guideFrom: workloadGuide,
    streams: [stream],
  };
  const rate: LabScenario = {
    ...saturation,
    id: 'workload-rate',
    judge: 'p99',
    guideFrom: undefined,
    resolve(done) {
      const measured = done.find((s) => s.id === 'workload');
      const slowest = Math.min(...(measured?.results ?? []).map((r) => r.summary.rps));
      const perSecond = Math.max(1, Math.floor((Number.isFinite(slowest) ? slowest : 2) / 2));
      return {
        ...rate,
        title: `Your workload at a fixed ${perSecond} req/s: ${name}`,
        lesson: `${name} at half the slowest model's capacity (${perSecond} req/s): latency and memory when no model is saturated.`,
        guide: measured?.guide ?? CPU_BOUND,
        streams: [{ ...stream, rate: perSecond }],
      };
    },
  };
  const fairness: LabScenario = {
    id: 'workload-fairness',
    title: `Fairness: 10 ms I/O requests beside your workload (${name})`,
    lesson: `Does ${name} block other requests? 10 ms waits at 100 req/s while 4 connections keep the workload running.`,
    guide: FAIRNESS,
    judge: 'p99',
    streams: [
      {
        name: 'workload-background',
        method: 'GET',
        path: WORKLOAD_PATH,
        connections: 4,
        measure: false,
      },
      {
        name: 'io-probe',
        method: 'GET',
        path: '/io/sleep?ms=10',
        connections: 4,
        rate: 100,
        measure: true,
      },
    ],
  };
  return [saturation, rate, fairness];
}
