import { recycle, RSS_SLACK_BYTES } from '../src/demos/recycle';
import { overlong, runDemo } from '../test/support/run-demo';

const MiB = 1024 * 1024;

describe('recycle', () => {
  it('the long-lived child holds every task’s leak; children retired after N tasks hold at most N', async () => {
    const run = await runDemo(recycle, { tasks: 12, leakKib: 2048, maxTasksPerChild: 4 });
    const { longLived, recycled } = run.figures;
    // The negative control: without maxTasksPerChild one child ran every task and kept it all.
    expect(longLived).toMatchObject({ children: 1, retired: 0, peakHeldBytes: 12 * 2 * MiB });
    expect(longLived.rssGrowthBytes).toBeGreaterThanOrEqual((11 * 2 * MiB) / 2);
    expect(recycled).toMatchObject({ children: 3, retired: 3, peakHeldBytes: 4 * 2 * MiB });
    expect(recycled.peakRssBytes).toBeLessThanOrEqual(
      longLived.firstRssBytes + 4 * 2 * MiB + RSS_SLACK_BYTES,
    );
    expect(run.result.verdict.holds).toBe(true);
    expect(overlong(run, 'recycle')).toEqual([]);
  });
});
