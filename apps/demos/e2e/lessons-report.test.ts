import { tempFolder } from '@concurrency-lab/launcher/testing';
import { execFile } from 'node:child_process';
import { readFileSync, readlinkSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { LessonRecord } from '../src/run-demo';

// The writer renders charts with vega (ES modules, which jest's runtime cannot import), so it
// runs from the build in a real Node process, as `--all` runs it.
const WRITER = join(__dirname, '../dist/report/write-lessons-report.js');

const record = (
  name: string,
  holds: boolean,
  figures: Record<string, unknown>,
  options: object = {},
): LessonRecord => ({
  name,
  mirrors: `the guide on ${name}`,
  describe: `what ${name} shows`,
  options,
  startedAt: '2025-01-01T00:00:00.000Z',
  durationMs: 1200,
  result: {
    figures: figures as LessonRecord['result']['figures'],
    table: { header: ['case', 'ms'], rows: [['a <b>', '1.0']] },
    notes: ['a note'],
    verdict: holds ? { holds, why: 'it did' } : { holds, why: 'too busy' },
  },
});

describe('the lessons report', () => {
  const out = tempFolder('lessons-report-');

  it('writes lessons.{json,md,html} under a timestamp, charts inline, and points lessons-latest at it', async () => {
    const records = [
      record(
        'shared-memory',
        true,
        {
          bySize: [
            { bytes: 1024, way: 'copy', ms: 0.1 },
            { bytes: 1024, way: 'transfer', ms: 0.1 },
            { bytes: 2 ** 20, way: 'copy', ms: 2 },
            { bytes: 2 ** 20, way: 'transfer', ms: 0.1 },
          ],
        },
        { sizes: [1024, 2 ** 20], reps: 3 },
      ),
      record('blocking', false, {
        lagOverTime: [
          { form: 'sync', tMs: 10, lateMs: 0 },
          { form: 'sync', tMs: 20, lateMs: 300 },
          { form: 'async', tMs: 10, lateMs: 1 },
        ],
      }),
      record('gather', true, {}),
      record('hybrid', true, {
        lagOverTime: [
          { way: 'async', tMs: 120, lateMs: 90 },
          { way: 'threads', tMs: 20, lateMs: 0.4 },
        ],
      }),
    ];
    const script = `require(${JSON.stringify(WRITER)})
      .writeLessonsReport(${JSON.stringify(records)}, ${JSON.stringify(out)}, new Date('2025-02-03T04:05:06.789Z'))
      .then((dir) => process.stdout.write(dir));`;
    const { stdout: dir } = await promisify(execFile)(process.execPath, ['-e', script]);

    expect(dir).toBe(join(out, '2025-02-03T04-05-06-789Z'));
    expect(readdirSync(dir).sort()).toEqual(['lessons.html', 'lessons.json', 'lessons.md']);
    expect(readlinkSync(join(out, 'lessons-latest'))).toBe('2025-02-03T04-05-06-789Z');

    const json = JSON.parse(readFileSync(join(dir, 'lessons.json'), 'utf8')) as {
      createdAt: string;
      lessons: LessonRecord[];
    };
    expect(json.createdAt).toBe('2025-02-03T04:05:06.789Z');
    expect(json.lessons.map((l) => [l.name, l.result.verdict.holds])).toEqual([
      ['shared-memory', true],
      ['blocking', false],
      ['gather', true],
      ['hybrid', true],
    ]);
    // The figures come with the knobs that produced them, and the command to run them again.
    expect(json.lessons[0]?.options).toEqual({ sizes: [1024, 2 ** 20], reps: 3 });
    const again = 'npm run demo -- shared-memory --sizes 1024,1048576 --reps 3';

    const md = readFileSync(join(dir, 'lessons.md'), 'utf8');
    expect(md).toContain('3 of 4 lessons hold');
    expect(md).toContain('`blocking: lesson does not hold here: too busy`');
    expect(md).toContain(`Ran as \`${again}\`.`);

    const html = readFileSync(join(dir, 'lessons.html'), 'utf8');
    // Self-contained: no script, nothing fetched; the three charts inline, each in its lesson.
    expect(html).not.toMatch(/<script|<link|src="http/);
    expect(html.match(/<figure id="chart-[a-z-]+"/g)).toEqual([
      '<figure id="chart-shared-memory"',
      '<figure id="chart-blocking"',
      '<figure id="chart-hybrid"',
    ]);
    expect(html.match(/<svg/g)?.length).toBe(3);
    expect(html).toContain('a &lt;b&gt;'); // cells escaped
    expect(html).toContain(`Ran as <code>${again}</code>.`);
  });
});
