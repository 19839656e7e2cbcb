import { describe, expect, it } from '@jest/globals';
import { createServer } from 'node:http';
import { close, listen } from '@concurrency-lab/launcher/testing';
import { parseChaosOptions, type ChaosOptions } from '../src/cli-options';
import { QUICK_DURATIONS, type DrillContext } from '../src/drill';
import { DRILLS } from '../src/drills/index';
import { planDrills, runChaos } from '../src/run-chaos';

/** `--quick --drills soak --models async`: the soak runs every model at once, on one fleet. */
const quickSoak = parseChaosOptions([
  '--quick',
  '--drills',
  'soak',
  '--models',
  'async',
]) as ChaosOptions;

describe('planDrills', () => {
  it('pairs each selected drill with the selected models it applies to, leaving out the others', () => {
    const plan = planDrills({
      drills: ['pool-crash', 'rolling-restart', 'graceful-stop'],
      models: ['async', 'threads'],
    });
    expect(plan.map(({ name, models }) => [name, models.map((m) => m.model)])).toEqual([
      ['pool-crash', ['threads']],
      ['graceful-stop', ['async', 'threads']],
    ]);
  });

  it('refuses, as a usage error naming each drill and whom it applies to, a selection with no drill to run', () => {
    // Before, this ran nothing and said "Every budget held (0 drill × model runs)": exit 0.
    const plan = () => planDrills({ drills: ['pool-crash', 'rolling-restart'], models: ['async'] });
    expect(plan).toThrow(
      expect.objectContaining({
        code: 'ERR_CHAOS_USAGE',
        message:
          'Expected `--drills` to include a drill that applies to `--models` async, got only ' +
          'pool-crash (applies to threads, hybrid, procpool), ' +
          'rolling-restart (applies to cluster, hybrid)',
      }),
    );
  });
});

describe('runChaos', () => {
  it('rejects once interrupted rather than file the aborted drill as a broken budget', async () => {
    // The soak's run starts its fleet itself: aborted, that start throws out of the drill.
    const abort = new AbortController();
    abort.abort();
    await expect(
      runChaos({ options: quickSoak, signal: abort.signal, progress: () => undefined }),
    ).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('measures a model’s capacity once and hands the other drills the same figure', async () => {
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      res.end('{}');
    });
    const base = await listen(server);
    // The soak's place in DRILLS taken by a drill that asks for the capacity twice.
    const soak = DRILLS.soak;
    const original = { ...soak };
    // What is counted is how often it measures, not what: a 200 ms window, not the quick 2 s.
    const durations = { ...QUICK_DURATIONS };
    Object.assign(QUICK_DURATIONS, { capacityMs: 200 });
    const seen: Array<{ first: number; second: number; requests: number }> = [];
    Object.assign(soak, {
      run: async (ctx: DrillContext) => {
        const first = await ctx.capacity('async', base);
        const before = requests;
        const second = await ctx.capacity('async', base);
        seen.push({ first, second, requests: requests - before });
        return [];
      },
    });
    try {
      await runChaos({
        options: quickSoak,
        signal: new AbortController().signal,
        progress: () => undefined,
      });
    } finally {
      Object.assign(soak, original);
      Object.assign(QUICK_DURATIONS, durations);
      await close(server);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]?.first).toBeGreaterThan(0);
    expect(seen[0]?.second).toBe(seen[0]?.first);
    expect(seen[0]?.requests).toBe(0);
  });
});
