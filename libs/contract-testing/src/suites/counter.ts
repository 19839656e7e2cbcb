import { describe, expect, it } from '@jest/globals';
import { CONTRACT_REQUEST_TIMEOUT_MS, type ContractContext } from '../contract-target';
import { incrementCounter, type CounterIncrement } from '../counter-increment';

/** The guide's race: `safe=false` loses updates on every model, `safe=true` never does. */
export function describeCounter(ctx: ContractContext): void {
  describe('the shared counter', () => {
    it(
      'is exact with safe=true',
      async () => {
        await fetch(`${ctx.base()}/counter`, { method: 'DELETE' });
        const result = await incrementCounter(ctx.base(), 1_000_000, true);
        expect(result).toMatchObject({ expected: 1_000_000, actual: 1_000_000 });
        const read = await fetch(`${ctx.base()}/counter`);
        expect(await read.json()).toMatchObject({ value: 1_000_000 });
      },
      CONTRACT_REQUEST_TIMEOUT_MS + 30_000,
    );

    it(
      'loses updates with safe=false (the race is real)',
      async () => {
        // A race is a matter of timing: on a loaded machine one run can go by without a
        // collision, so up to three runs of a million increments; one lost update proves it.
        const runs: CounterIncrement[] = [];
        for (let attempt = 0; attempt < 3; attempt++) {
          await fetch(`${ctx.base()}/counter`, { method: 'DELETE' });
          const result = await incrementCounter(ctx.base(), 1_000_000, false);
          runs.push(result);
          if (result.actual < result.expected) break;
        }
        for (const run of runs) {
          expect(run.expected).toBe(1_000_000);
          expect(run.actual).toBeGreaterThan(0);
          expect(run.actual).toBeLessThanOrEqual(run.expected);
        }
        expect(runs.some((run) => run.actual < run.expected)).toBe(true);
      },
      3 * CONTRACT_REQUEST_TIMEOUT_MS + 30_000,
    );

    it('resets to zero', async () => {
      const response = await fetch(`${ctx.base()}/counter`, { method: 'DELETE' });
      expect(await response.json()).toMatchObject({ model: ctx.target.model, value: 0 });
    });
  });
}
