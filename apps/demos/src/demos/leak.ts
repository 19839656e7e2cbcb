import { defineDemo } from '../demo';
import { integer } from '../knobs';
import { verdictOf } from '../verdict';
import { Peer } from '../peer';
import type { LeakSnapshot } from '../workers/leak-child';

const total = (s: LeakSnapshot | undefined) =>
  Object.values(s?.resources ?? {}).reduce((a, b) => a + b, 0);

const countsOf = (s: LeakSnapshot | undefined) =>
  Object.entries(s?.resources ?? {})
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([type, n]) => `${n} ${type}`)
    .join(', ') || 'nothing open';

/**
 * This process's handles of the kinds the demo opens (its children and their pipes): the demo
 * must end with no more than it started with, whatever else the process runs.
 */
export const ownChildHandles = (): number =>
  process.getActiveResourcesInfo().filter((r) => r === 'ProcessWrap' || r === 'PipeWrap').length;

async function child(mode: 'leaky' | 'fixed', rounds: number, graceMs: number) {
  await using peer = Peer.process('leak-child', [mode, String(rounds)]);
  const snapshots: LeakSnapshot[] = [];
  for (;;) {
    const message = await peer.next<LeakSnapshot | 'done'>();
    if (message === 'done') break;
    snapshots.push(message);
  }
  const exit = await peer.exitWithin(graceMs);
  const [first, last] = [snapshots[0], snapshots[snapshots.length - 1]];
  return {
    mode,
    snapshots,
    resourcesBefore: total(first),
    resourcesAfter: total(last),
    threadsBefore: first?.threads ?? null,
    threadsAfter: last?.threads ?? null,
    exitedOnItsOwn: exit !== undefined,
    exitCode: exit?.code ?? null,
  };
}

export const leak = defineDemo({
  name: 'leak',
  mirrors: 'Thread leakage: workers and timers nobody closes',
  describe:
    'A child process starts a timer, a worker thread and a thread pool per round. Never closed, they pile up (active resources, OS threads) and keep it alive; closed, it returns to its baseline and exits on its own.',
  knobs: {
    // The leaky child keeps every round's worker thread and pool alive: 10 rounds is 20+ threads.
    rounds: integer('Rounds of (timer + worker thread + thread pool) per child.', {
      default: 3,
      min: 1,
      max: 10,
    }),
    // The leaky child never exits on its own: the demo waits this long for it, twice.
    graceMs: integer('How long a child gets to exit on its own once done (ms).', {
      default: 1500,
      min: 100,
      max: 10_000,
    }),
  },
  async run({ rounds, graceMs }) {
    const before = ownChildHandles();
    const leaky = await child('leaky', rounds, graceMs);
    const fixed = await child('fixed', rounds, graceMs);
    const after = ownChildHandles();
    const { checks, verdict } = judge(leaky, fixed, { before, after });
    const row = (label: string, c: typeof leaky) => [
      label,
      `${c.resourcesBefore} → ${c.resourcesAfter}`,
      c.threadsBefore === null ? '—' : `${c.threadsBefore} → ${c.threadsAfter}`,
      c.exitedOnItsOwn ? `yes (${c.exitCode})` : 'no: killed',
    ];
    return {
      figures: { rounds, graceMs, leaky, fixed, demoProcessResources: { before, after }, checks },
      table: {
        header: ['child', 'active resources', 'OS threads', 'exited on its own'],
        align: ['left', 'right', 'right', 'left'],
        rows: [row('never closes', leaky), row('closes each', fixed)],
      },
      notes: [
        `After ${rounds} rounds the leaky child had ${countsOf(leaky.snapshots.at(-1))}; the fixed one ${countsOf(fixed.snapshots.at(-1))}.`,
        'A Worker and a pool do not show in getActiveResourcesInfo(), but their threads do in the OS count, and they keep the process alive all the same. Close them: clearInterval, worker.terminate(), pool.shutdown() — or `using` / `await using`.',
      ],
      verdict,
    };
  },
});

/** What the verdict reads of one child's run. */
export type ChildOutcome = Pick<
  Awaited<ReturnType<typeof child>>,
  | 'resourcesBefore'
  | 'resourcesAfter'
  | 'threadsBefore'
  | 'threadsAfter'
  | 'exitedOnItsOwn'
  | 'exitCode'
>;

/**
 * The leak lesson's checks and verdict from the two children's runs and this process's own child
 * handles before and after them ({@link ownChildHandles}): exported for its unit test, which hands
 * it made-up runs, wrong ones included.
 */
export function judge(
  leaky: ChildOutcome,
  fixed: ChildOutcome,
  demoProcess: { before: number; after: number },
) {
  const grew = (c: ChildOutcome) =>
    c.resourcesAfter > c.resourcesBefore ||
    (c.threadsAfter !== null && c.threadsBefore !== null && c.threadsAfter > c.threadsBefore);
  const backToBaseline = (c: ChildOutcome) =>
    c.resourcesAfter === c.resourcesBefore &&
    (c.threadsAfter === null || c.threadsBefore === null || c.threadsAfter <= c.threadsBefore);
  const checks = {
    leakyGrew: grew(leaky),
    leakyStayedAlive: !leaky.exitedOnItsOwn,
    fixedBackToBaseline: backToBaseline(fixed),
    fixedExited: fixed.exitedOnItsOwn && fixed.exitCode === 0,
    // A child process or pipe of the demo's own still open: the demo leaked what it teaches.
    demoProcessClean: demoProcess.after <= demoProcess.before,
  };
  return {
    checks,
    verdict: verdictOf(checks, 'the leaks piled up and pinned the child; closing undid them'),
  };
}
