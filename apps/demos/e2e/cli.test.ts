import { appEntry } from '@concurrency-lab/launcher';
import { runApp, tempFolder } from '@concurrency-lab/launcher/testing';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMOS } from '../src/catalog';

const demo = (args: string[]) => runApp('demos', args);

const lines = (text: string) => text.trimEnd().split('\n');

describe('the demo command', () => {
  const tmp = tempFolder('demos-cli-');

  it('--list names every demo, one per line, its knobs under it, within 80 columns', async () => {
    const run = await demo(['--list']);
    expect(run.code).toBe(0);
    const listed = lines(run.stdout).filter((l) => !l.startsWith(' '));
    expect(listed.map((l) => l.split(/\s+/)[0])).toEqual(DEMOS.map((d) => d.name));
    expect(lines(run.stdout)).toContain(
      '  --thread-increments 500000 — Increments per thread (2 threads).',
    );
    expect(lines(run.stdout).filter((l) => l.length > 80)).toEqual([]);
  });

  it('<name> --help prints its knobs, with defaults and bounds', async () => {
    const run = await demo(['gather', '--help']);
    expect(run.code).toBe(0);
    expect(lines(run.stdout).slice(-5)).toEqual([
      "  --delays-ms 60,20,40 — The three jobs' durations (ms): a, b, c.",
      '      A comma list of 3 distinct integers, each from 1 to 5000.',
      '',
      'Together: a, the first of `--delays-ms`, the slowest: else input order and',
      'completion order agree where a lesson tells them apart.',
    ]);
  });

  it('answers an unknown name with a usage error and exit code 2', async () => {
    const run = await demo(['no-such-lesson']);
    expect([run.code, run.stdout]).toEqual([2, '']);
    expect(run.stderr.startsWith('ERR_DEMO_USAGE: ')).toBe(true);
  });

  it('answers an unknown option the same way', async () => {
    const run = await demo(['--fast']);
    expect([run.code, run.stdout, run.stderr.split(':')[0]]).toEqual([2, '', 'ERR_DEMO_USAGE']);
  });

  it('runs one demo for a person: its introduction, a table, the verdict as the last line', async () => {
    const run = await demo(['starvation']);
    expect(run.code).toBe(0);
    const out = lines(run.stdout);
    expect(out[0]?.startsWith('starvation — ')).toBe(true);
    expect(out.at(-1)).toBe('starvation: lesson holds');
    expect(out.filter((l) => l.length > 80)).toEqual([]);
  });

  it('--json prints the record of the run and nothing else', async () => {
    const run = await demo(['gather', '--json']);
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual(
      ['describe', 'durationMs', 'mirrors', 'name', 'options', 'result', 'startedAt'].sort(),
    );
    expect(record).toMatchObject({
      name: 'gather',
      options: { delaysMs: [60, 20, 40] },
      result: {
        figures: { asCompleted: ['b', 'c', 'a'] },
        table: { header: expect.any(Array), rows: expect.any(Array) },
        verdict: { holds: true, why: expect.any(String) },
      },
    });
  });

  it('runs with a knob turned, and --json records every knob it ran with', async () => {
    // c, then b, then a: the order asCompleted gives follows the delays given.
    const run = await demo(['gather', '--delays-ms=200,120,40', '--json']);
    expect(run.code).toBe(0);
    const record = JSON.parse(run.stdout) as Record<string, unknown>;
    expect(record).toMatchObject({
      options: { delaysMs: [200, 120, 40] },
      result: { figures: { asCompleted: ['c', 'b', 'a'] }, verdict: { holds: true } },
    });
  });

  it('refuses a bad knob with exit code 2 before anything starts', async () => {
    // race would print its introduction first, then start threads and cluster workers.
    for (const args of [
      ['race', '--thread-increments', '0'],
      ['race', '--workers', '2'],
    ]) {
      const run = await demo(args);
      expect([args, run.code, run.stdout]).toEqual([args, 2, '']);
      expect(run.stderr.split(':')[0]).toBe('ERR_DEMO_INVALID_KNOB');
      expect(run.stderr).toContain('--thread-increments');
    }
    const all = await demo(['--all', '--thread-increments', '10']);
    expect([all.code, all.stdout, all.stderr.split(':')[0]]).toEqual([2, '', 'ERR_DEMO_USAGE']);
  });

  it('--list --json gives every demo with its knobs, as JSON', async () => {
    const run = await demo(['--list', '--json']);
    expect(run.code).toBe(0);
    const list = JSON.parse(run.stdout) as { name: string; knobs: { flag: string }[] }[];
    expect(list.map((d) => d.name)).toEqual(DEMOS.map((d) => d.name));
    expect(list.find((d) => d.name === 'race')?.knobs[0]).toEqual({
      flag: '--loop-tasks',
      default: 10,
      doc: 'Async tasks of the event-loop case.',
      expected: 'an integer from 2 to 100',
    });
  });

  it('refuses an --out it could not write the report to, in one line, before running anything', async () => {
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    for (const out of [file, join(file, 'below')]) {
      // Bounded: the command this replaces ran every demo first, then crashed.
      const run = await runApp('demos', ['--all', '--out', out], { timeoutMs: 60_000 });
      expect([out, run.code, run.stdout]).toEqual([out, 2, '']);
      // One message (wrapped to 80 columns like every other), and no stack.
      expect(run.stderr.replace(/\s+/g, ' ')).toMatch(
        /^ERR_DEMO_USAGE: Expected `--out` to be a folder, got `[^`]+`: /,
      );
      expect(run.stderr).not.toMatch(/^\s+at /m);
    }
  });

  it('refuses an --out nothing can be made in, though root may access(W_OK) it (/proc)', async () => {
    // The command this replaces ran every demo, then hung in the report writer's mkdir of
    // /proc/lessons/<time>: killed at 20 s, within the test's own 30, so it cannot outlive it.
    const run = await runApp('demos', ['--all', '--out', '/proc/lessons'], { timeoutMs: 20_000 });
    expect([run.code, run.stdout]).toEqual([2, '']);
    expect(run.stderr.replace(/\s+/g, ' ')).toMatch(
      /^ERR_DEMO_USAGE: Expected `--out` to be a folder this user can write in, got `\/proc\/lessons` /,
    );
  });

  it('ends quietly, by SIGPIPE, when its reader leaves (`demos gather | head -1`)', async () => {
    const app = spawn(process.execPath, [appEntry('demos'), 'gather'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    app.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The reader takes the first lines (the introduction), then closes its end.
    app.stdout.once('data', () => app.stdout.destroy());
    const ended = await new Promise((resolve) =>
      app.once('close', (code, signal) => resolve({ code, signal })),
    );
    expect([ended, stderr]).toEqual([{ code: null, signal: 'SIGPIPE' }, '']);
  });
});
