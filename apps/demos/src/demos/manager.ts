import { clusterIncrements, runClusterCounter, type ClusterCounterRun } from '../cluster-counter';
import { defineDemo, type Verdict } from '../demo';
import { fixed, int } from '../format';
import { integer } from '../knobs';

export const manager = defineDemo({
  name: 'manager',
  mirrors: 'multiprocessing.Manager: one process holds the state',
  describe:
    'A cluster primary holds a counter its workers update through messages, as a Manager\'s server process does. Get-then-set (two messages) loses updates; one atomic "increment" message, handled one at a time by the primary, loses none.',
  knobs: {
    // Each is a forked process: 8 already crowd 2 cores. From 2: one worker alone loses nothing.
    workers: integer('Cluster workers sharing the counter.', { default: 2, min: 2, max: 8 }),
    increments: clusterIncrements('Increments per worker.'),
  },
  async run({ workers, increments }) {
    const getThenSet = await runClusterCounter('get-then-set', workers, increments);
    const atomic = await runClusterCounter('increment', workers, increments);
    const rows = [
      ['get, then set value + 1', getThenSet],
      ['increment (one message)', atomic],
    ] as const;
    return {
      figures: { workers, increments, getThenSet: { ...getThenSet }, increment: { ...atomic } },
      table: {
        header: ['each worker sends', 'messages', 'expected', 'counted', 'lost', 'ms'],
        align: ['left', 'right', 'right', 'right', 'right', 'right'],
        rows: rows.map(([label, r]) => [
          label,
          int(r.messages),
          int(r.expected),
          int(r.actual),
          int(r.lost),
          fixed(r.ms, 0),
        ]),
      },
      notes: [
        `${workers} cluster workers, ${int(increments)} increments each. The primary is single-threaded: whatever one message does is atomic, and nothing spanning two messages is.`,
        'Python\'s Manager proxies behave the same: `d["n"] += 1` on a proxy is a get and a set. The fix is the same too: one call that does the whole update (or a lock around both).',
      ],
      verdict: judge(getThenSet, atomic),
    };
  },
});

/**
 * The manager lesson's verdict from the two counters' runs: exported for its unit test, which
 * hands it made-up counts. It holds when get-then-set lost at least one update and the atomic
 * message none: a get-then-set run that lost nothing showed no race.
 */
export function judge(
  getThenSet: Pick<ClusterCounterRun, 'lost'>,
  atomic: Pick<ClusterCounterRun, 'lost'>,
): Verdict {
  const holds = getThenSet.lost > 0 && atomic.lost === 0;
  return holds
    ? { holds, why: `get-then-set lost ${int(getThenSet.lost)} updates, one atomic message none` }
    : getThenSet.lost <= 0
      ? { holds, why: 'get-then-set lost no update in this run' }
      : { holds, why: `the atomic message lost ${int(atomic.lost)} updates` };
}
