import { describe, expect, it } from '@jest/globals';
import type { DrillName } from '../src/drill';
import { drillStandIn } from './support/stand-in-process';

/**
 * A service that sheds every work request (503 ERR_OVERLOADED + Retry-After: not lost) loses
 * nothing to a kill, a crash or a restart: each drill under load must see that it served nothing,
 * and shed past its budget. Negative control: the same stand-in serving 200s holds.
 */
describe.each<[DrillName, string, 'cluster' | 'threads']>([
  ['rolling-restart', 'cluster-stand-in.js', 'cluster'],
  ['worker-kill', 'cluster-stand-in.js', 'cluster'],
  ['pool-crash', 'pool-stand-in.js', 'threads'],
])('%s against a stand-in %s', (drill, fixture, model) => {
  it('breaks where every work request was shed: the service served nothing', async () => {
    const row = await drillStandIn(drill, fixture, model);
    // Shed: all but what a kill cut (lost, and within what was in flight on the killed worker).
    expect(row.violations).toEqual([
      'no 200: the service served nothing',
      expect.stringMatching(
        /^\d+ of \d+ requests shed \(503 ERR_OVERLOADED \+ Retry-After; budget 10 %\)$/,
      ),
    ]);
  }, 60_000);

  it('negative control: holds where the same stand-in serves', async () => {
    const row = await drillStandIn(drill, fixture, model, { STAND_IN_SERVE: '1' });
    expect({ violations: row.violations, notes: row.notes }).toMatchObject({ violations: [] });
  }, 60_000);
});
