import { ProcessPoolExecutor } from '@concurrency-lab/executors';
import { defineDemo } from '../demo';
import { entryPath } from '../entry-path';
import { bytes, int } from '../format';
import { integer } from '../knobs';
import { verdictOf } from '../verdict';
import type { LeakyAnswer } from '../workers/leaky-tasks';

/**
 * What a fresh child's RSS may differ by from another's, on top of what its tasks hoarded:
 * V8's heap and Node's start-up vary by a few MiB between runs.
 */
export const RSS_SLACK_BYTES = 24 * 1024 * 1024;

/** Every task, one after the other, on a pool of one child; what each answered. */
async function runOn(
  tasks: number,
  kib: number,
  maxTasksPerChild: number | undefined,
): Promise<{ answers: LeakyAnswer[]; retired: number }> {
  await using pool = new ProcessPoolExecutor({
    filename: entryPath('leaky-tasks'),
    maxWorkers: 1,
    ...(maxTasksPerChild === undefined ? {} : { maxTasksPerChild }),
  });
  const answers: LeakyAnswer[] = [];
  for (let i = 0; i < tasks; i++) {
    answers.push(await pool.submit<LeakyAnswer>(kib, { name: 'leakyTask' }).result());
  }
  return { answers, retired: pool.stats.retired };
}

const peak = (answers: readonly LeakyAnswer[], key: 'heldBytes' | 'rssBytes') =>
  Math.max(...answers.map((a) => a[key]));

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
  ],
  async run({ tasks, leakKib, maxTasksPerChild }) {
    const leak = leakKib * 1024;
    const longLived = await runOn(tasks, leakKib, undefined);
    const recycled = await runOn(tasks, leakKib, maxTasksPerChild);
    const pids = (answers: readonly LeakyAnswer[]) => new Set(answers.map((a) => a.pid)).size;
    const first = longLived.answers[0];
    const last = longLived.answers.at(-1);
    const grewBy = (last?.rssBytes ?? 0) - (first?.rssBytes ?? 0);
    const figures = {
      tasks,
      leakKib,
      maxTasksPerChild,
      longLived: {
        children: pids(longLived.answers),
        peakHeldBytes: peak(longLived.answers, 'heldBytes'),
        firstRssBytes: first?.rssBytes ?? 0,
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
    const checks = {
      // The hoard's own count: every task's buffer is still held by the one child.
      longLivedHoarded: figures.longLived.peakHeldBytes === tasks * leak,
      // Measured: at least half of what was hoarded after the first task shows in its RSS.
      longLivedGrew: grewBy >= ((tasks - 1) * leak) / 2,
      recycledBounded: figures.recycled.peakHeldBytes <= maxTasksPerChild * leak,
      recycledStayedSmall:
        figures.recycled.peakRssBytes <=
        figures.longLived.firstRssBytes + maxTasksPerChild * leak + RSS_SLACK_BYTES,
      freshChildren: figures.recycled.children === Math.ceil(tasks / maxTasksPerChild),
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
      verdict: verdictOf(
        checks,
        `the long-lived child grew by ${bytes(grewBy)}; recycled children peaked at ${bytes(figures.recycled.peakRssBytes)}`,
      ),
    };
  },
});
