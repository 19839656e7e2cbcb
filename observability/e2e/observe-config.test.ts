/**
 * `npm run observe` refuses a bad PROMETHEUS_PORT before it starts anything, naming the
 * variable, as it refuses a bad `<MODEL>_PORT`. (`Number('abc')` once read as "no port asked":
 * Prometheus came up on a random port and the banner was the only clue.)
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';

const OBSERVE = join(__dirname, '..', 'dist', 'src', 'observe.js');

interface Ended {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs observe.js to its end. A start that is not refused would run until stopped: the timeout
 * then sends SIGTERM, on which observe stops what it started and exits 0 — so the test fails
 * without leaving a service behind.
 */
function runObserve(env: NodeJS.ProcessEnv): Promise<Ended> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [OBSERVE],
      { env: { ...process.env, ...env }, timeout: 30_000, killSignal: 'SIGTERM' },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

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
