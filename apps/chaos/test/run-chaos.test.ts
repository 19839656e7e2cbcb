import { describe, expect, it } from '@jest/globals';
import { planDrills } from '../src/run-chaos';

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
