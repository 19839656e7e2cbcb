import { judge, rssChecks, RSS_SLACK_BYTES, type RecycleOptions } from '../src/demos/recycle';
import type { LeakyAnswer } from '../src/workers/leaky-tasks';

// The e2e test runs the demo with real child processes, and its RSS checks against a task that
// keeps nothing; here the verdict meets made-up answers, each wrong in one way a mutant of a
// check let pass.

const MiB = 1024 * 1024;

/**
 * What the tasks answer when task i runs on child `plan[i]`: each child hoards every leak it
 * ran, and its RSS is 50 MiB plus `rss(held, i)` (by default what it holds).
 */
function answers(
  o: RecycleOptions,
  plan: readonly number[],
  rss: (held: number, task: number) => number = (held) => held,
): LeakyAnswer[] {
  const held = new Map<number, number>();
  return plan.map((pid, task) => {
    const heldBytes = (held.get(pid) ?? 0) + o.leakKib * 1024;
    held.set(pid, heldBytes);
    return { pid, heldBytes, rssBytes: 50 * MiB + rss(heldBytes, task) };
  });
}

/** One child for every task. */
const longLivedPlan = (tasks: number) => Array<number>(tasks).fill(1);
/** A fresh child every `n` tasks, the last one with what is left over. */
const recycledPlan = (tasks: number, n: number) =>
  Array.from({ length: tasks }, (_, i) => 2 + Math.floor(i / n));

const o: RecycleOptions = { tasks: 20, leakKib: 4096, maxTasksPerChild: 4 };
const longLived = answers(o, longLivedPlan(20));
const recycled = answers(o, recycledPlan(20, 4));

const allChecks = {
  longLivedHoarded: true,
  longLivedGrew: true,
  recycledBounded: true,
  recycledStayedSmall: true,
  freshChildren: true,
};

describe('the recycle verdict', () => {
  it('holds when one child hoarded every leak and grew, and 5 fresh children held 4 each', () => {
    expect(judge(o, longLived, recycled)).toEqual({
      rss: {
        firstRssBytes: 54 * MiB,
        grewBy: 76 * MiB,
        longLivedGrew: true,
        recycledStayedSmall: true,
      },
      checks: allChecks,
      verdict: {
        holds: true,
        why: 'the long-lived child grew by 76 MiB; recycled children peaked at 66 MiB',
      },
    });
  });

  it('counts a child for the tasks left over: 21 tasks, 4 a child, are 6 children', () => {
    const o21 = { ...o, tasks: 21 };
    const judged = judge(o21, answers(o21, longLivedPlan(21)), answers(o21, recycledPlan(21, 4)));
    expect(judged.checks).toEqual(allChecks);
    // 7 children of 3 tasks: one retired early, not what maxTasksPerChild asked.
    const early = judge(o21, answers(o21, longLivedPlan(21)), answers(o21, recycledPlan(21, 3)));
    expect(early.verdict).toEqual({ holds: false, why: 'not shown: freshChildren' });
  });

  it('does not hold when a recycled child held more than 4 tasks’ leaks, though 5 children ran', () => {
    // The first child ran 8 tasks, the other four 3 each: 32 MiB held, twice the bound. Its
    // RSS (82 MiB) is within the RSS check's slack, so only the hoard's own count catches it.
    const uneven = [...Array<number>(8).fill(2), 3, 3, 3, 4, 4, 4, 5, 5, 5, 6, 6, 6];
    const judged = judge(o, longLived, answers(o, uneven));
    expect(judged.rss.recycledStayedSmall).toBe(true);
    expect(judged.verdict).toEqual({ holds: false, why: 'not shown: recycledBounded' });
  });

  it('does not hold when no child hoarded every task’s leak, though the RSS grew', () => {
    // The "long-lived" pool replaced its child after 10 tasks: each held 40 MiB, not 80. RSS
    // reads as if one child held them all, so only the hoard's own count catches it.
    const halves = [...Array<number>(10).fill(1), ...Array<number>(10).fill(7)];
    const judged = judge(
      o,
      answers(o, halves, (_, task) => (task + 1) * 4 * MiB),
      recycled,
    );
    expect(judged.rss).toMatchObject({ grewBy: 76 * MiB, longLivedGrew: true });
    expect(judged.verdict).toEqual({ holds: false, why: 'not shown: longLivedHoarded' });
  });

  it('does not hold when the recycled children’s RSS overshot the bound and its slack', () => {
    // The same hoards, each recycled task's RSS 1 byte over the long-lived child's first RSS, 4
    // leaks and the slack.
    const over = answers(o, recycledPlan(20, 4), () => 4 * MiB + 16 * MiB + RSS_SLACK_BYTES + 1);
    expect(judge(o, longLived, over).verdict).toEqual({
      holds: false,
      why: 'not shown: recycledStayedSmall',
    });
  });
});

describe('rssChecks', () => {
  // The rules' smallest leak: 16 tasks past the one a recycled child may hold, 4 MiB each.
  const o17: RecycleOptions = { tasks: 17, leakKib: 4096, maxTasksPerChild: 1 };
  const grown = (mib: number) => [
    { pid: 1, heldBytes: 4 * MiB, rssBytes: 50 * MiB },
    { pid: 1, heldBytes: 68 * MiB, rssBytes: (50 + mib) * MiB },
  ];
  const fresh = [{ pid: 2, heldBytes: 4 * MiB, rssBytes: 50 * MiB }];

  it('asks the long-lived child to grow by half what it hoarded past its first task', () => {
    // Half of 16 × 4 MiB is 32 MiB: met exactly, it grew; a byte short, it did not.
    expect(rssChecks(o17, grown(32), fresh)).toEqual({
      firstRssBytes: 50 * MiB,
      grewBy: 32 * MiB,
      longLivedGrew: true,
      recycledStayedSmall: true,
    });
    const short = [
      ...grown(32).slice(0, 1),
      { pid: 1, heldBytes: 68 * MiB, rssBytes: 82 * MiB - 1 },
    ];
    expect(rssChecks(o17, short, fresh).longLivedGrew).toBe(false);
  });

  it('does not take 20 MiB of growth, the size of RSS noise, for the 64 MiB hoard', () => {
    expect(rssChecks(o17, grown(20), fresh)).toMatchObject({
      grewBy: 20 * MiB,
      longLivedGrew: false,
    });
  });
});
