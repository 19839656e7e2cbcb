/**
 * What ends a run early, said plainly: a `--out` that cannot take the report (refused before
 * anything starts), a service refusing its configuration (refused, its own words, no stack), a
 * model service that dies mid-run (the run fails naming it; no report of a dead service), and a
 * `lab sweep` option named as the user gave it.
 */
import { appEntry } from '@concurrency-lab/launcher';
import { runApp, tempFolder } from '@concurrency-lab/launcher/testing';
import { isAlive, processTree } from '@concurrency-lab/procfs';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A stack trace's frame line: never part of a plain refusal. */
const STACK = /^\s+at /m;

describe('lab --out naming a file', () => {
  const out = tempFolder('lab-out-');
  const file = join(out, 'not-a-folder');
  writeFileSync(file, 'x');

  it.each([
    [['--quick', '--models', 'async', '--scenarios', 'cpu']],
    [['sweep', '--quick', '--models', 'threads', '--max-workers', '1']],
  ])(
    '%j: refused before anything starts, exit 2, no stack',
    async (args) => {
      const run = await runApp('lab', [...args, '--out', file]);
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 2,
        stderr: `ERR_LAB_OUT_UNUSABLE: Expected \`--out\` to name a folder a report can be written to; ${file}: it is a file (EEXIST) — nothing was started\n`,
      });
      expect(run.samples).toBeGreaterThan(0); // it was counted, and started nothing
      expect(run.maxChildren).toBe(0);
      expect(readFileSync(file, 'utf8')).toBe('x');
    },
    60_000,
  );
});

describe('lab --out where the file system cannot make it', () => {
  // Node 24's recursive mkdir retried /proc/nope forever: the lab hung before it started.
  it.each(['/proc/nope', '/proc/self/nope/x'])(
    '%s: refused, exit 2, no hang',
    async (dir) => {
      const run = await runApp(
        'lab',
        ['--quick', '--models', 'async', '--scenarios', 'cpu', '--out', dir],
        { timeoutMs: 30_000 },
      );
      expect({ code: run.code, maxChildren: run.maxChildren }).toEqual({ code: 2, maxChildren: 0 });
      expect(run.stderr).toMatch(/^ERR_LAB_OUT_UNUSABLE: .*ENOENT.* — nothing was started\n$/);
    },
    60_000,
  );

  // Folders root may write to by access(W_OK), where no folder can be made: /proc passed the
  // check, measured, then spun for ever writing the report; /sys/kernel lost the run to EPERM.
  const labRun = ['--quick', '--models', 'async', '--scenarios', 'cpu'];
  const labSweep = ['sweep', '--quick', '--models', 'threads', '--max-workers', '1'];
  it.each([
    ['/proc', labRun],
    ['/sys/kernel', labRun],
    ['/proc', labSweep],
  ])(
    '%s (%j): refused before anything starts, exit 2, no hang',
    async (dir, args) => {
      const run = await runApp('lab', [...args, '--out', dir], { timeoutMs: 30_000 });
      expect({ code: run.code, signal: run.signal, maxChildren: run.maxChildren }).toEqual({
        code: 2,
        signal: null,
        maxChildren: 0,
      });
      expect(run.stderr).toMatch(/^ERR_LAB_OUT_UNUSABLE: .* — nothing was started\n$/);
    },
    60_000,
  );
});

describe('a run refused for its options', () => {
  const root = tempFolder('lab-refused-');

  it.each([[['--scenarios', 'nope']], [['sweep', '--scenario', 'nope']]])(
    '%j leaves no --out folder behind',
    async (args) => {
      const out = join(root, 'never', 'made');
      const run = await runApp('lab', [...args, '--out', out]);
      expect(run.stderr).toMatch(/^ERR_LAB_USAGE: /);
      expect(existsSync(join(root, 'never'))).toBe(false);
    },
    60_000,
  );
});

describe('a run refused after its --out was checked', () => {
  const root = tempFolder('lab-refused-late-');

  it('leaves no --out folder behind: the report’s writer makes it', async () => {
    const out = join(root, 'never', 'made');
    const run = await runApp('lab', [
      ...['--targets', 'async=http://127.0.0.1:1', '--scenarios', 'cpu', '--quick'],
      ...['--out', out],
    ]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ERR_LAB_TARGET_UNREACHABLE: /m);
    expect(existsSync(join(root, 'never'))).toBe(false);
  }, 60_000);
});

describe('lab sweep --scenario nope', () => {
  it('names the option given, `--scenario`', async () => {
    const run = await runApp('lab', ['sweep', '--scenario', 'nope']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ERR_LAB_USAGE: Expected `--scenario` from io, .*; got `nope`$/m);
    expect(run.stderr).not.toContain('`--scenarios`');
  }, 60_000);
});

describe('a service refusing its configuration', () => {
  const out = tempFolder('lab-config-');

  it('is a plain refusal with what the service said, exit 2, no stack', async () => {
    const run = await runApp(
      'lab',
      ['--quick', '--models', 'async', '--scenarios', 'cpu', '--out', out],
      { env: { ...process.env, EVENT_LOOP_SAMPLE_INTERVAL_MS: 'abc' } },
    );
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^ERR_LAUNCH_START_FAILED: \S+ exited \(.*\) before listening/m);
    expect(run.stderr).toContain('EVENT_LOOP_SAMPLE_INTERVAL_MS');
    expect(run.stderr).not.toContain('lab failed');
    expect(run.stderr).not.toMatch(STACK);
    expect(readdirSync(out)).toEqual([]);
  }, 60_000);
});

describe('a model service that dies mid-run', () => {
  const out = tempFolder('lab-death-');

  it('fails the run naming the model and its exit, writes no report, leaves nothing running', async () => {
    const child = spawn(
      process.execPath,
      [
        appEntry('lab'),
        ...['--models', 'async,threads', '--scenarios', 'cpu', '--quick', '--duration', '3'],
        ...['--out', out],
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stderr = '';
    const measuringThreads = new Promise<void>((resolve) =>
      child.stderr.on('data', (c: Buffer) => {
        stderr += c.toString();
        if (/cpu · threads\n/.test(stderr)) resolve();
      }),
    );
    const exited = new Promise<number | null>((resolve) =>
      child.once('close', (code) => resolve(code)),
    );
    await measuringThreads;
    const tree = processTree(child.pid ?? -1)?.slice(1) ?? []; // below the lab
    const cmdline = (pid: number) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      } catch {
        return '';
      }
    };
    const threads = tree.filter((pid) => cmdline(pid).includes('threads-service'));
    expect(threads.length).toBeGreaterThanOrEqual(1);
    const [root] = threads; // threads-service is one process (its pool is threads)
    process.kill(root ?? -1, 'SIGKILL');
    const code = await exited;
    expect({ code, died: /^ERR_LAB_SERVICE_DIED: .*$/m.exec(stderr)?.[0] }).toEqual({
      code: 1,
      died: `ERR_LAB_SERVICE_DIED: threads-service (model threads), pid ${root}, exited during the run (signal SIGKILL): the run is stopped and nothing is written — figures of a dead service would still rank it.`,
    });
    expect(stderr).not.toMatch(STACK);
    expect(readdirSync(out)).toEqual([]);
    expect(tree.filter(isAlive)).toEqual([]);
  }, 120_000);
});
