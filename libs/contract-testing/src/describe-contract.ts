import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { appEntry, launch, type ServiceProcess, ADMISSION_OFF } from '@concurrency-lab/launcher';
import { UPSTREAM } from '@concurrency-lab/models';
import {
  CONTRACT_REQUEST_TIMEOUT_MS,
  type ContractContext,
  type ContractTarget,
} from './contract-target';
import type { FuzzOptions } from './fuzz/run-fuzz';
import { describeCounter } from './suites/counter';
import { describeFuzzCases } from './suites/fuzz';
import { describeLimits } from './suites/limits';
import { describeLoopAdmission } from './suites/loop-admission';
import { describeParameters } from './suites/parameters';
import { describePressure } from './suites/pressure';
import { describeProblems } from './suites/problems';
import { describeProbes } from './suites/probes';
import { describeWorkRoutes } from './suites/work-routes';

export interface ContractOptions {
  /** The fuzz part, on the suite's shared service. @default { runs: 1000 } */
  fuzz?: FuzzOptions;
}

/**
 * The contract of docs/contract.md as one jest suite, run unchanged against every model. It
 * starts the upstream site and the service under test as real processes on free ports; the parts
 * (work routes, counter, probes, problems, parameters, fuzz) share that one service, and the
 * pressure tests start their own with the limits they need.
 */
export function describeContract(target: ContractTarget, options: ContractOptions = {}): void {
  describe(`contract: ${target.model}`, () => {
    const ctx = useServices(target);
    describeWorkRoutes(ctx);
    describeCounter(ctx);
    describeProbes(ctx);
    describeProblems(ctx);
    describeParameters(ctx);
    // Last: its counter increments and odd requests must not disturb the parts above.
    describeFuzzCases(ctx, options.fuzz);
  });

  // These start their own services, with the limits they need.
  const standalone = contextOf(
    target,
    () => undefined,
    () => undefined,
  );
  describePressure(standalone);
  describeLimits(standalone);
  describeLoopAdmission(standalone);
}

/** The fuzz part alone, on its own upstream and service (one service for every case). */
export function describeFuzz(target: ContractTarget, options: FuzzOptions = {}): void {
  describe(`fuzz: ${target.model}`, () => {
    describeFuzzCases(useServices(target), options);
  });
}

/**
 * Starts upstream and the service under test in `beforeAll` (after the parts declared their
 * tests, so they read them through the context's getters) and stops them in `afterAll`,
 * requiring a clean exit.
 */
function useServices(target: ContractTarget): ContractContext {
  let upstream: ServiceProcess | undefined;
  let service: ServiceProcess | undefined;
  beforeAll(async () => {
    upstream = await launch(appEntry(UPSTREAM.app), {
      name: UPSTREAM.app,
      env: { UPSTREAM_PAGES: '50', UPSTREAM_LATENCY_MS: '2' },
    });
    service = await target.start({
      WORKERS: String(target.workers ?? 2),
      UPSTREAM_URL: upstream.url,
      REQUEST_TIMEOUT_MS: String(CONTRACT_REQUEST_TIMEOUT_MS),
      // The parts run slow work back to back (fib(40), a million increments): on a model whose
      // CPU work blocks the loop, admission would rightly refuse what comes next. It has its
      // own part (loop-admission), on a service with the defaults.
      ...ADMISSION_OFF,
    });
  }, 60_000);

  afterAll(async () => {
    const status = await service?.stop();
    await upstream?.stop();
    expect(status).toEqual({ code: 0, signal: null });
  }, 30_000);

  return contextOf(
    target,
    () => service,
    () => upstream,
  );
}

function contextOf(
  target: ContractTarget,
  service: () => ServiceProcess | undefined,
  upstream: () => ServiceProcess | undefined,
): ContractContext {
  return {
    target,
    workers: String(target.workers ?? 2),
    base: () => started(service()).url,
    upstreamUrl: () => started(upstream()).url,
  };
}

function started(service: ServiceProcess | undefined): ServiceProcess {
  if (!service) throw new Error('the contract suite’s services did not start (see beforeAll)');
  return service;
}
