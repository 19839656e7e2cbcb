import { recycle, rssChecks, runOn, RSS_SLACK_BYTES } from '../src/demos/recycle';
import { overlong, runDemo } from '../test/support/run-demo';

const MiB = 1024 * 1024;

describe('recycle', () => {
  it('the long-lived child holds every task’s leak; children retired after N tasks hold at most N', async () => {
    // The tasks past a recycled child's 4 leak 16 × 4 MiB: the 64 MiB the rules ask for.
    const run = await runDemo(recycle, { tasks: 20, leakKib: 4096, maxTasksPerChild: 4 });
    const { longLived, recycled } = run.figures;
    // The negative control: without maxTasksPerChild one child ran every task and kept it all.
    expect(longLived).toMatchObject({ children: 1, retired: 0, peakHeldBytes: 20 * 4 * MiB });
    expect(longLived.rssGrowthBytes).toBeGreaterThanOrEqual((19 * 4 * MiB) / 2);
    expect(recycled).toMatchObject({ children: 5, retired: 5, peakHeldBytes: 4 * 4 * MiB });
    expect(recycled.peakRssBytes).toBeLessThanOrEqual(
      longLived.firstRssBytes + 4 * 4 * MiB + RSS_SLACK_BYTES,
    );
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'recycle')).toEqual([]);
  });

  it('fails its RSS checks on noise alone, at the smallest leak the rules take', async () => {
    // 16 tasks past the one a recycled child may hold, 4 MiB each: 64 MiB, the rules' floor.
    const o = { tasks: 17, leakKib: 4096, maxTasksPerChild: 1 };
    expect(recycle.options(o)).toEqual(o);
    // A task that keeps nothing: its child's RSS moves by noise only, under half the hoard.
    const tidy = await runOn(o.tasks, o.leakKib, undefined, 'tidyTask');
    const leaky = await runOn(o.tasks, o.leakKib, undefined);
    const noLeak = rssChecks(o, tidy.answers, tidy.answers);
    expect([noLeak.grewBy < (16 * 4 * MiB) / 2, noLeak.longLivedGrew]).toEqual([true, false]);
    // A "recycled" pool that retired nothing: the leak overshoots the bound, slack and all.
    const unretired = rssChecks(o, leaky.answers, leaky.answers);
    expect(unretired).toMatchObject({ longLivedGrew: true, recycledStayedSmall: false });
  });
});
