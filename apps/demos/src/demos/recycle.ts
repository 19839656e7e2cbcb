import { ProcessPoolExecutor } from '@concurrency-lab/executors';
import { defineDemo } from '../demo';
import { entryPath } from '../entry-path';
import { bytes, int } from '../format';
import { integer } from '../knobs';
import { verdictOf } from '../verdict';
import type { LeakyAnswer } from '../workers/leaky-tasks';

/**
 * What a fresh child's RSS may differ by from another's, on top of what its tasks hoarded:
 * V8's heap and Node's start-up vary by a few MiB between runs (recycled children peaked at
 * most 10.3 MiB above the bound without it, in 22 runs of 4–400 tasks of 64 KiB–4 MiB here).
 */
export const RSS_SLACK_BYTES = 24 * 1024 * 1024;

/**
 * The least leak the tasks past what a recycled child may hold must add up to, in KiB. A child
 * running a task that keeps nothing (`tidyTask`) grew by 3.5–15.1 MiB from its first task to
 * its last (RSS after a full collection; 22 runs of 4–400 tasks of 64 KiB–4 MiB, load 3–4 on 2
 * cores). The long-lived child must grow by half its hoard past the first task: 32 MiB and more
 * here, twice that noise. A child never retired would overshoot the recycled bound by 64 MiB
 * less one task's leak and RSS_SLACK_BYTES: 36 MiB and more. The old floor, 4 tasks of 64 KiB,
 * asked 96 KiB of growth, which noise alone gave.
 */
export const MIN_LEAK_BEYOND_CHILD_KIB = 64 * 1024;

/** The task the children run: the leak, or the negative control that keeps nothing. */
export type RecycleTask = 'leakyTask' | 'tidyTask';

/**
 * Every task, one after the other, on a pool of one child; what each answered. Exported for
 * the e2e test's negative controls, which run `tidyTask`, or no retirement, through it.
 */
export async function runOn(
  tasks: number,
  kib: number,
  maxTasksPerChild: number | undefined,
  task: RecycleTask = 'leakyTask',
): Promise<{ answers: LeakyAnswer[]; retired: number }> {
  await using pool = new ProcessPoolExecutor({
    filename: entryPath('leaky-tasks'),
    maxWorkers: 1,
    // The task collects garbage before it reads its RSS, so RSS shows what the child retains.
    execArgv: [...process.execArgv, '--expose-gc'],
    ...(maxTasksPerChild === undefined ? {} : { maxTasksPerChild }),
  });
  const answers: LeakyAnswer[] = [];
  for (let i = 0; i < tasks; i++) {
    answers.push(await pool.submit<LeakyAnswer>(kib, { name: task }).result());
  }
  return { answers, retired: pool.stats.retired };
}

const peak = (answers: readonly LeakyAnswer[], key: 'heldBytes' | 'rssBytes') =>
  Math.max(...answers.map((a) => a[key]));
/** How many children ran the answered tasks. */
const pids = (answers: readonly LeakyAnswer[]) => new Set(answers.map((a) => a.pid)).size;

/** The knobs `rssChecks` reads. */
export interface RecycleOptions {
  tasks: number;
  leakKib: number;
  maxTasksPerChild: number;
}

/**
 * What the children's RSS says: the long-lived child's growth, and the verdict's two RSS checks.
 * Exported for the e2e test, which feeds it runs where the lesson must not show.
 */
export function rssChecks(
  o: RecycleOptions,
  longLived: readonly LeakyAnswer[],
  recycled: readonly LeakyAnswer[],
) {
  const leak = o.leakKib * 1024;
  const firstRssBytes = longLived[0]?.rssBytes ?? 0;
  const grewBy = (longLived.at(-1)?.rssBytes ?? 0) - firstRssBytes;
  return {
    firstRssBytes,
    grewBy,
    // Measured: at least half of what was hoarded after the first task shows in its RSS.
    longLivedGrew: grewBy >= ((o.tasks - 1) * leak) / 2,
    recycledStayedSmall:
      peak(recycled, 'rssBytes') <= firstRssBytes + o.maxTasksPerChild * leak + RSS_SLACK_BYTES,
  };
}

export const recycle = defineDemo({
  name: 'recycle',
  mirrors: 'Pool(maxtasksperchild): recycling workers that leak',
  describe:
    "A task that leaks (it keeps a buffer in a list nothing empties) runs many times in one long-lived child process, then in children retired after a few tasks each: maxTasksPerChild, Python's max_tasks_per_child. The first grows with every task; the others hold only what a few tasks left.",
  knobs: {
    // 2 MiB × 40 is 80 MiB in the long-lived child: plain in RSS, small for any machine.
    tasks: integer('Tasks run on each pool, one after the other.', {
      default: 40,
      min: 4,
      max: 400,
    }),
    // Filled bytes, so they are resident: 16 MiB × 400 would be 6 GiB.
    leakKib: integer('KiB each task leaves behind in its child.', {
      default: 2048,
      min: 64,
      max: 4096,
    }),
    // Each retirement forks a child (~160 ms here): 1 is a fork per task.
    maxTasksPerChild: integer('Tasks a recycled child runs before it is replaced.', {
      default: 5,
      min: 1,
      max: 100,
    }),
  },
  rules: [
    {
      knobs: ['maxTasksPerChild', 'tasks'],
      doc: '`--max-tasks-per-child` below `--tasks`: else no child is retired, and the recycled pool is the long-lived one',
      holds: ({ maxTasksPerChild, tasks }) => maxTasksPerChild < tasks,
    },
    {
      knobs: ['tasks', 'leakKib', 'maxTasksPerChild'],
      doc: '(`--tasks` − `--max-tasks-per-child`) × `--leak-kib` at least 65,536 (64 MiB): else RSS noise alone could pass the RSS checks',
      holds: ({ tasks, leakKib, maxTasksPerChild }) =>
        (tasks - maxTasksPerChild) * leakKib >= MIN_LEAK_BEYOND_CHILD_KIB,
    },
  ],
  async run({ tasks, leakKib, maxTasksPerChild }) {
    const leak = leakKib * 1024;
    const longLived = await runOn(tasks, leakKib, undefined);
    const recycled = await runOn(tasks, leakKib, maxTasksPerChild);
    const { rss, verdict } = judge(
      { tasks, leakKib, maxTasksPerChild },
      longLived.answers,
      recycled.answers,
    );
    const grewBy = rss.grewBy;
    const figures = {
      tasks,
      leakKib,
      maxTasksPerChild,
      longLived: {
        children: pids(longLived.answers),
        peakHeldBytes: peak(longLived.answers, 'heldBytes'),
        firstRssBytes: rss.firstRssBytes,
        peakRssBytes: peak(longLived.answers, 'rssBytes'),
        rssGrowthBytes: grewBy,
        retired: longLived.retired,
      },
      recycled: {
        children: pids(recycled.answers),
        peakHeldBytes: peak(recycled.answers, 'heldBytes'),
        peakRssBytes: peak(recycled.answers, 'rssBytes'),
        retired: recycled.retired,
      },
    };
    return {
      figures,
      table: {
        header: ['pool of 1 child', 'children', 'peak held', 'peak RSS'],
        align: ['left', 'right', 'right', 'right'],
        rows: [
          [
            'lives as long as the pool',
            int(figures.longLived.children),
            bytes(figures.longLived.peakHeldBytes),
            bytes(figures.longLived.peakRssBytes),
          ],
          [
            `retired after ${maxTasksPerChild} tasks`,
            int(figures.recycled.children),
            bytes(figures.recycled.peakHeldBytes),
            bytes(figures.recycled.peakRssBytes),
          ],
        ],
      },
      notes: [
        `${tasks} tasks on each pool, each leaving ${bytes(leak)} behind in its child. The long-lived child's RSS grew by ${bytes(grewBy)} from its first task to its last.`,
        `Recycling bounds a leak you cannot fix; it does not fix it. It costs a fork and a module load per ${maxTasksPerChild} tasks (${int(figures.recycled.retired)} retirements here), so pick N large beside that. Python's ThreadPoolExecutor has no such option, and neither has ours.`,
      ],
      verdict,
    };
  },
});

/**
 * The recycle lesson's checks and verdict from what each pool's tasks answered, with the RSS
 * figures they read ({@link rssChecks}): exported for its unit test, which hands it made-up
 * answers, wrong ones included.
 */
export function judge(
  o: RecycleOptions,
  longLived: readonly LeakyAnswer[],
  recycled: readonly LeakyAnswer[],
) {
  const leak = o.leakKib * 1024;
  const rss = rssChecks(o, longLived, recycled);
  const checks = {
    // The hoard's own count: every task's buffer is still held by the one child.
    longLivedHoarded: peak(longLived, 'heldBytes') === o.tasks * leak,
    longLivedGrew: rss.longLivedGrew,
    recycledBounded: peak(recycled, 'heldBytes') <= o.maxTasksPerChild * leak,
    recycledStayedSmall: rss.recycledStayedSmall,
    // A child per maxTasksPerChild tasks, the last one with what is left over.
    freshChildren: pids(recycled) === Math.ceil(o.tasks / o.maxTasksPerChild),
  };
  return {
    rss,
    checks,
    verdict: verdictOf(
      checks,
      `the long-lived child grew by ${bytes(rss.grewBy)}; recycled children peaked at ${bytes(peak(recycled, 'rssBytes'))}`,
    ),
  };
}
