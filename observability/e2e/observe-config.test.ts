/**
 * `npm run observe` refuses a bad PROMETHEUS_PORT before it starts anything, naming the
 * variable, as it refuses a bad `<MODEL>_PORT`. (`Number('abc')` once read as "no port asked":
 * Prometheus came up on a random port and the banner was the only clue.)
 */
import { runObserve } from './support/run-observe';

describe('observe, configured wrongly', () => {
  it.each([['abc'], ['65536']])(
    'refuses PROMETHEUS_PORT=%s, naming it, and starts nothing',
    async (value) => {
      const run = await runObserve({ PROMETHEUS_PORT: value });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain(
        `Expected \`PROMETHEUS_PORT\` to be an integer from 0 to 65535, got \`${value}\``,
      );
      expect(run.stdout).not.toContain('observed without Docker');
    },
    60_000,
  );
});
