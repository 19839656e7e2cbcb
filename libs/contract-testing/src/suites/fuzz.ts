import { describe, expect, it } from '@jest/globals';
import type { ContractContext } from '../contract-target';
import { runFuzz, type FuzzOptions } from '../fuzz/run-fuzz';

/** Cases per model in `npm test`: enough to reach every route's odd corners, a few seconds. */
export const DEFAULT_FUZZ_RUNS = 1000;

/**
 * Generated requests against the shared service (see `fuzz/`): only 2xx, 4xx or a 503 with
 * `Retry-After` (where a bound may shed the case); never a 500, a hang or a stack trace; a 431
 * only past the header limit; and the contract's refusal to each case it must refuse (a bad
 * parameter 400, no route 404, a method the route lacks 405, ...).
 */
export function describeFuzzCases(ctx: ContractContext, options: FuzzOptions = {}): void {
  const runs = options.runs ?? DEFAULT_FUZZ_RUNS;
  // `FUZZ_SEED=<the seed a failure printed>` replays that run.
  const replay = process.env['FUZZ_SEED'];
  const seed = replay !== undefined && replay !== '' ? Number(replay) : options.seed;
  describe('fuzz', () => {
    it(
      `answers ${runs} generated requests with 2xx, 4xx or 503 only: no 500, no hang, no stack trace, every error problem+json, each case the contract refuses with its refusal`,
      async () => {
        const report = await runFuzz(ctx.base(), {
          // Its primary gathers a cluster's or hybrid's /metrics: only there may it be a 503.
          metricsMayShed: ctx.target.httpInWorkers ?? true,
          ...options,
          runs,
          ...(seed !== undefined ? { seed } : {}),
        });
        // With the seed, so that a failing run (in CI too) can be replayed exactly.
        expect({ seed: report.seed, failure: report.failure }).toEqual({
          seed: report.seed,
          failure: undefined,
        });
        expect(report.runs).toBe(runs);
        // The generator reaches the handlers, not only the validation in front of them.
        expect(report.statuses['200'] ?? 0).toBeGreaterThan(runs / 10);
        expect(report.statuses['400'] ?? 0).toBeGreaterThan(runs / 10);
        // And holds many of them to the refusal the contract gives, not to any 4xx.
        expect(report.refusals).toBeGreaterThan(runs / 4);
      },
      60_000 + runs * 100,
    );
  });
}
