import { runApp } from '@concurrency-lab/launcher/testing';
import { describe, expect, it } from '@jest/globals';

const chaos = (args: string[]) => runApp('chaos', args);

describe('chaos --quick', () => {
  it('drills a model end to end, prints the table and exits 0 when every budget holds', async () => {
    const run = await chaos([
      '--quick',
      '--models',
      'async',
      '--drills',
      'graceful-stop,upstream-faults',
    ]);
    expect({ code: run.code, stderr: run.stderr.slice(-2000) }).toMatchObject({ code: 0 });
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(
      /^drill\s+model\s+requests\s+lost\s+p99\s+RSS peak\s+recovery\s+budget$/,
    );
    expect(lines[2]).toMatch(
      /^graceful-stop\s+async\s+[\d,]+\s+0\s+\d+ ms\s+[\d.]+ MiB\s+\d+ ms\s+held$/,
    );
    expect(lines[3]).toMatch(
      /^upstream-faults\s+async\s+[\d,]+\s+0\s+[\d.]+ m?s\s+[\d.]+ MiB\s+—\s+held$/,
    );
    expect(run.stdout).toContain('Every budget held (2 drill × model runs).');
    expect(run.stdout).toMatch(/per-page errors: .*ERR_UPSTREAM_STATUS \d+/);
    expect(run.stdout).toMatch(/^quick run, \d+ s, WORKERS=2, \d+ cores, load average/m);
  }, 120_000);

  it('exits 2 on a usage error, naming the option and what it got, and starts nothing', async () => {
    const run = await chaos(['--drills', 'meltdown']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ERR_CHAOS_USAGE: Expected `--drills` from overload/);
    expect(run.stderr).toContain('got `meltdown`');
    expect(run.stdout).toBe('');
  });

  it('exits 2 when no selected drill applies to the selected models, naming whom each applies to', async () => {
    // Before: it ran nothing, printed "Every budget held (0 drill × model runs)" and exited 0.
    const run = await chaos(['--drills', 'rolling-restart,pool-crash', '--models', 'async']);
    expect({ code: run.code, stdout: run.stdout }).toEqual({ code: 2, stdout: '' });
    expect(run.stderr).toContain(
      'ERR_CHAOS_USAGE: Expected `--drills` to include a drill that applies to `--models` async, got only ' +
        'pool-crash (applies to threads, hybrid, procpool), rolling-restart (applies to cluster, hybrid)',
    );
  });
});
