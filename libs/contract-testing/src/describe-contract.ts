import { afterAll, beforeAll, describe, expect } from '@jest/globals';
import { appEntry, launch, type ServiceProcess } from '@concurrency-lab/launcher';
import { UPSTREAM } from '@concurrency-lab/models';
import type { ContractContext, ContractTarget } from './contract-target';
import { describeCounter } from './suites/counter';
import { describeParameters } from './suites/parameters';
import { describePressure } from './suites/pressure';
import { describeProblems } from './suites/problems';
import { describeProbes } from './suites/probes';
import { describeWorkRoutes } from './suites/work-routes';

/**
 * The contract of docs/contract.md as one jest suite, run unchanged against every model. It
 * starts the upstream site and the service under test as real processes on free ports; the parts
 * (work routes, counter, probes, problems, parameters) share that one service, and the pressure
 * tests start their own with the limits they need.
 */
export function describeContract(target: ContractTarget): void {
  let upstream: ServiceProcess | undefined;
  let service: ServiceProcess | undefined;
  const ctx: ContractContext = {
    target,
    workers: String(target.workers ?? 2),
    base: () => started(service).url,
    upstreamUrl: () => started(upstream).url,
  };

  describe(`contract: ${target.model}`, () => {
    beforeAll(async () => {
      upstream = await launch(appEntry(UPSTREAM.app), {
        name: UPSTREAM.app,
        env: { UPSTREAM_PAGES: '50', UPSTREAM_LATENCY_MS: '2' },
      });
      service = await target.start({
        WORKERS: ctx.workers,
        UPSTREAM_URL: upstream.url,
        REQUEST_TIMEOUT_MS: '20000',
      });
    }, 60_000);

    afterAll(async () => {
      const status = await service?.stop();
      await upstream?.stop();
      expect(status).toEqual({ code: 0, signal: null });
    }, 30_000);

    describeWorkRoutes(ctx);
    describeCounter(ctx);
    describeProbes(ctx);
    describeProblems(ctx);
    describeParameters(ctx);
  });

  describePressure(ctx);
}

function started(service: ServiceProcess | undefined): ServiceProcess {
  if (!service) throw new Error('the contract suite’s services did not start (see beforeAll)');
  return service;
}
