import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { DEMOS } from '../src/catalog';

const MAIN = join(__dirname, '../dist/main.js');

function demo(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const lines = (text: string) => text.trimEnd().split('\n');

describe('the demo command', () => {
  it('--list names every demo, one per line, within 80 columns', async () => {
    const run = await demo(['--list']);
    expect(run.code).toBe(0);
    const listed = lines(run.stdout).filter((l) => !l.startsWith(' '));
    expect(listed.map((l) => l.split(/\s+/)[0])).toEqual(DEMOS.map((d) => d.name));
    expect(lines(run.stdout).filter((l) => l.length > 80)).toEqual([]);
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
});
