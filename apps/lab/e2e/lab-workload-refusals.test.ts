/**
 * A broken `--workload` module is refused before any service starts: the lab exits 2 with the
 * problem's code and has started no process.
 */
import { runApp } from '@concurrency-lab/launcher/testing';
import { join } from 'node:path';

const fixture = (name: string) => join(__dirname, '..', 'test', 'fixtures', 'workloads', name);

describe('lab --workload with a broken module', () => {
  it.each([
    ['no-run.mjs', 'ERR_LAB_WORKLOAD_NO_RUN'],
    ['throws.mjs', 'ERR_LAB_WORKLOAD_THREW'],
    ['returns-function.mjs', 'ERR_LAB_WORKLOAD_NOT_CLONABLE'],
    ['returns-circular.mjs', 'ERR_LAB_WORKLOAD_NOT_CLONABLE'],
    ['never-returns.mjs', 'ERR_LAB_WORKLOAD_TIMEOUT'],
  ])(
    '%s: exits 2 with %s and starts nothing',
    async (file, code) => {
      const run = await runApp('lab', ['--quick', '--workload', fixture(file)]);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^${code}: `, 'm'));
      expect(run.stderr).not.toContain('[lab ');
      expect(run.samples).toBeGreaterThan(0); // it was counted, and started nothing
      expect(run.maxChildren).toBe(0);
    },
    60_000,
  );

  it('refuses --scenarios workload-rate without workload: exit 2, naming --scenarios, nothing started', async () => {
    const run = await runApp('lab', [
      '--quick',
      '--workload',
      join(__dirname, '..', 'workloads', 'hash.mjs'),
      '--scenarios',
      'workload-rate',
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(
      /^ERR_LAB_USAGE: Expected `--scenarios` to hold `workload` with `workload-rate`/m,
    );
    expect(run.stderr).not.toContain('[lab ');
    expect(run.samples).toBeGreaterThan(0); // it was counted, and started nothing
    expect(run.maxChildren).toBe(0);
  }, 60_000);
});
