import { defineDemo, type Verdict } from '../demo';
import { integer, integers } from '../knobs';
import { fixed } from '../format';
import { Peer } from '../peer';
import type { PoolChildReport } from '../workers/libuv-pool-child';

/** "#1–#4": which reads, by start order, counted from 1. */
const span = (indexes: readonly number[]) =>
  indexes.length === 0
    ? 'none'
    : indexes.length === 1
      ? `#${(indexes[0] as number) + 1}`
      : `#${(indexes[0] as number) + 1}–#${(indexes.at(-1) as number) + 1}`;

async function measure(size: number, reads: number, settleMs: number): Promise<PoolChildReport> {
  await using child = Peer.process('libuv-pool-child', [String(reads), String(settleMs)], {
    UV_THREADPOOL_SIZE: String(size),
  });
  const report = await child.next<PoolChildReport>();
  await child.exitWithin(5000); // it exits on its own; `await using` ends it otherwise
  return report;
}

export const libuvPool = defineDemo({
  name: 'libuv-pool',
  mirrors: "File operations: Node's hidden thread pool",
  describe:
    "fs, dns.lookup, crypto and zlib calls run on libuv's pool of UV_THREADPOOL_SIZE threads (default 4). Eight slow file reads at once: with 4 threads only 4 are in flight and the fifth waits for a thread; with 8 threads all 8 are.",
  knobs: {
    // Each read is a named pipe held open until counted: 32 is plenty past any pool size.
    reads: integer('Concurrent slow reads.', { default: 8, min: 1, max: 32 }),
    // One child process per size, each starting that many libuv threads: 64 at most. At least
    // two sizes, no size twice: the rules ask for a pool the reads outnumber and one that takes
    // them all, which one size (or one size twice) never is; so `--help` says so here.
    poolSizes: integers('UV_THREADPOOL_SIZE values compared, one child each.', {
      default: [4, 8],
      min: 1,
      max: 64,
      length: [2, 4],
      distinct: true,
    }),
    settleMs: integer('How long the pool gets to take the reads (ms).', {
      default: 200,
      min: 10,
      max: 5000,
    }),
  },
  rules: [
    {
      knobs: ['reads', 'poolSizes'],
      doc: '`--reads` above the smallest of `--pool-sizes`: else every read gets a thread and none waits',
      holds: ({ reads, poolSizes }) => reads > Math.min(...poolSizes),
    },
    {
      knobs: ['reads', 'poolSizes'],
      // The lesson's second half: a bigger pool takes all the reads (4, then 8, by default).
      doc: '`--reads` at most the largest of `--pool-sizes`: else no pool lets every read run at once',
      holds: ({ reads, poolSizes }) => reads <= Math.max(...poolSizes),
    },
  ],
  async run({ reads, poolSizes, settleMs }) {
    const runs: PoolChildReport[] = [];
    for (const size of poolSizes) runs.push(await measure(size, reads, settleMs));
    return {
      figures: { reads, poolSizes, settleMs, runs },
      table: {
        header: ['UV_THREADPOOL_SIZE', 'reads', 'in flight', 'which', 'queued', 'drain ms'],
        align: ['right', 'right', 'right', 'left', 'right', 'right'],
        rows: runs.map((r, i) => [
          String(poolSizes[i]),
          String(r.reads),
          String(r.inFlight),
          span(r.inFlightIndexes),
          String(r.reads - r.inFlight),
          fixed(r.drainMs, 0),
        ]),
      },
      notes: [
        'Each read is of a named pipe nobody writes to yet (a slow disk or NFS file, in effect): it holds its pool thread until released. "In flight" counts the pipes whose reader was waiting.',
        'Every async fs call, dns.lookup (so http.get to a host name), crypto.pbkdf2/scrypt and zlib share these threads: a few slow files delay them all. Raise UV_THREADPOOL_SIZE before the first such call (the environment, not later code), or keep slow I/O off the pool.',
      ],
      verdict: judge({ reads, poolSizes }, runs),
    };
  },
});

/**
 * The libuv-pool lesson's verdict from the children's reports, one per pool size in order:
 * exported for its unit test, which hands it made-up reports. It holds when each pool had
 * exactly its first `min(size, reads)` reads in flight — which ones, not only how many — and
 * every read completed once released.
 */
export function judge(
  o: { readonly reads: number; readonly poolSizes: readonly number[] },
  runs: readonly PoolChildReport[],
): Verdict {
  const { reads, poolSizes } = o;
  const expected = (size: number) => Math.min(size, reads);
  // The first ones started hold the threads; the later ones (from the fifth, with 4) wait.
  const firstN = (n: number) => Array.from({ length: n }, (_, i) => i).join();
  const wrong = runs.filter(
    (r, i) =>
      r.inFlightIndexes.join() !== firstN(expected(poolSizes[i] as number)) ||
      r.completed !== reads,
  );
  const holds = wrong.length === 0;
  return holds
    ? {
        holds,
        why: `${runs.map((r, i) => `${r.inFlight} of ${reads} ran with ${poolSizes[i]} threads`).join(', ')}`,
      }
    : {
        holds,
        why: wrong
          .map((r) => `pool ${r.poolSize}: ${r.inFlight} in flight, ${r.completed} completed`)
          .join('; '),
      };
}
