/**
 * `lab compare` from the command line on two real reports (the unit test's fixtures): the
 * page, the markdown and the JSON are written, and the terminal lists what differs.
 */
import { runApp, tempFolder } from '@concurrency-lab/launcher/testing';
import { existsSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Comparison } from '../src/compare/compare-reports';

const fixture = (name: string) => join(__dirname, '..', 'test', 'fixtures', 'reports', name);

describe('lab compare', () => {
  const out = tempFolder('lab-compare-');

  it('writes compare.md, index.html and compare.json for two reports', async () => {
    const run = await runApp('lab', [
      'compare',
      fixture('workers-1.json'),
      fixture('workers-2.json'),
      '--out',
      out,
    ]);
    expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
    for (const file of ['compare.md', 'index.html', 'compare.json'])
      expect(existsSync(join(out, file))).toBe(true);
    const comparison = JSON.parse(readFileSync(join(out, 'compare.json'), 'utf8')) as Comparison;
    const differing = comparison.rows.filter((r) => r.flag === 'differs');
    expect(run.stdout).toContain(`${differing.length} of ${comparison.rows.length} figures differ`);
    // What differs of the setup comes first, what does not is left to compare.md.
    const setup = comparison.setup.filter((s) => s.a !== s.b);
    expect(setup.map((s) => s.field)).toContain('WORKERS');
    expect(run.stdout).toMatch(/^The runs were set up differently:\n/);
    // The table's rows (after its header and rule, up to the blank line): the differing fields.
    const rows = (run.stdout.split('\n\n')[0] ?? '').split('\n').slice(3);
    expect(rows.map((row) => row.split(/\s{2,}/))).toEqual(setup.map((s) => [s.field, s.a, s.b]));
    expect(run.samples).toBeGreaterThan(0); // it was counted, and started nothing
    expect(run.maxChildren).toBe(0);
  }, 30_000);

  it.each([
    [['compare', fixture('workers-1.json')], 'ERR_LAB_USAGE'],
    [['compare', fixture('workers-1.json'), '/nonexistent/report'], 'ERR_LAB_REPORT_FILE'],
  ])(
    'refuses %j with exit 2',
    async (args, code) => {
      const run = await runApp('lab', args);
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(new RegExp(`^${code}: `));
    },
    30_000,
  );

  it('refuses an --out it cannot write to, coded with exit 2, before writing anything', async () => {
    const file = join(out, 'a-file');
    writeFileSync(file, 'data');
    const dangling = join(out, 'dangling');
    symlinkSync(join(out, 'nowhere', 'deeper'), dangling);
    for (const bad of [file, '/dev/null/x', dangling]) {
      const run = await runApp('lab', [
        'compare',
        fixture('workers-1.json'),
        fixture('workers-2.json'),
        '--out',
        bad,
      ]);
      expect({ bad, code: run.code }).toEqual({ bad, code: 2 });
      expect(run.stderr).toMatch(/^ERR_LAB_OUT_UNUSABLE: .*nothing was started\n$/);
    }
    expect(readFileSync(file, 'utf8')).toBe('data');
  }, 60_000);
});
