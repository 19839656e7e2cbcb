/**
 * Text from outside — a workload's `describe` and path, a target's URL, the CPU's name, a
 * compared report's file — reaches report.md, sweep.md and compare.md as one line of escaped
 * Markdown: no heading, raw HTML or code span of its own. index.html escapes it as HTML already.
 */
import { join } from 'node:path';
import { compareMarkdown } from '../src/compare/compare-page';
import { compareReports } from '../src/compare/compare-reports';
import { chooseLines } from '../src/report/choose';
import { htmlReport } from '../src/report/html-report';
import { markdownReport } from '../src/report/markdown-report';
import type { Report } from '../src/report/report-schema';
import { loadScenarioCatalog } from '../src/scenario-catalog';
import { sweepMarkdown } from '../src/sweep/sweep-page';
import type { Sweep } from '../src/sweep/sweep-schema';
import { workloadScenarios } from '../src/workload/workload-scenarios';
import { fixtureReport } from './support/results';

const HTML = '</script><img src=x onerror=alert(1)>';
/** What a workload module may say of itself (the loader keeps its first line) and be named. */
const DESCRIBE = `my \`job\` ${HTML}`;
const PATH = '/tmp/w\r# INJECTED PATH/`x`.mjs';

/** The fixture run again in targets mode with a hostile workload, URL and CPU name. */
function hostileReport(): Report {
  const report = fixtureReport();
  const catalog = loadScenarioCatalog(join(__dirname, '..', '..', '..'));
  const probe = { path: PATH, describe: DESCRIBE, inputs: 1, probeMs: 1 };
  const [saturation] = workloadScenarios(probe, catalog.scenarios);
  const cpu = report.scenarios.find((s) => s.id === 'cpu');
  if (!saturation || !cpu) throw new Error('no workload scenario or no cpu in the fixture');
  // The workload scenario's words (title, lesson) as the lab makes them, on real figures.
  report.scenarios.push({
    ...cpu,
    id: 'workload',
    title: saturation.title,
    lesson: saturation.lesson,
  });
  report.run.workload = { path: PATH, describe: DESCRIBE, inputs: 1, probeMs: 1 };
  report.run.mode = 'targets';
  report.run.targets = { async: 'http://h/?q=<script>`x`</script>\n## INJECTED URL' };
  report.machine.cpuModel = `EPYC\r# INJECTED CPU ${HTML}`;
  report.choose = chooseLines(report.scenarios, {
    sharedCores: false,
    cpus: 2,
    loadAverage: { start: 0, end: 0 },
    workload: DESCRIBE,
  });
  return report;
}

/** Lines where outside text could act: a heading or raw HTML it started, or an unescaped `. */
function unsafe(markdown: string): string[] {
  return markdown
    .split('\n')
    .filter(
      (line) =>
        /\r/.test(line) ||
        /^#+ INJECTED/.test(line) ||
        /(^|[^\\])<(img|\/?script)/.test(line) ||
        /(^|[^\\])`(job|x)/.test(line),
    );
}

describe('report.md', () => {
  const report = hostileReport();
  const md = markdownReport(report);

  it('holds every outside string as one escaped line', () => {
    expect(unsafe(md)).toEqual([]);
    // Each is still there, escaped, on one line with what surrounds it.
    expect(md).toContain('Your workload at saturation: my \\`job\\` \\</script>\\<img src=x');
    expect(md).toMatch(/^### Your workload at saturation: my \\`job\\`/m);
    expect(md).toMatch(/^Targets mode: .*\?q=\\<script>\\`x\\`\\<\/script> ## INJECTED URL\), /m);
    expect(md).toContain(
      'workload my \\`job\\` \\</script>\\<img src=x onerror=alert(1)> (/tmp/w # INJECTED PATH/\\`x\\`.mjs)',
    );
    expect(md).toMatch(/^- Your workload \(my \\`job\\` \\<\/script>/m);
    expect(md).toMatch(/^\S+ · 2 × EPYC # INJECTED CPU \\<\/script>\\<img /m);
  });

  it('leaves the report’s own Markdown as it was (the control)', () => {
    const plain = markdownReport(fixtureReport());
    expect(unsafe(plain)).toEqual([]);
    expect(plain).toMatch(/^## Summary$/m);
    expect(plain).toMatch(/^### CPU-bound/m);
    expect(plain).toMatch(/^Local mode: the lab started async, threads with WORKERS=1, /m);
    // The unsafe() check itself catches the raw text (a test that can fail).
    expect(unsafe(`### ${DESCRIBE}\n${PATH}`)).toHaveLength(2);
  });

  it('is unchanged in index.html, which escapes it as HTML (the control)', () => {
    const html = htmlReport(report, []);
    expect(html).not.toMatch(/<img|<\/?script/);
    expect(html).toContain('Your workload at saturation: my `job` &lt;/script&gt;&lt;img src=x');
  });
});

describe('sweep.md and compare.md', () => {
  it('hold the CPU’s name and the compared files’ paths as one escaped line', () => {
    const sweep = {
      createdAt: '2025-01-01T00:00:00.000Z',
      machine: {
        cpus: 2,
        cpuModel: `EPYC\n# INJECTED CPU ${HTML}`,
        node: 'v24',
        loadAverage: { start: [0, 0, 0], end: [0, 0, 0] },
      },
      scenario: { id: 'cpu', title: 'CPU work' },
      options: { models: ['threads'], sizes: [1], repeats: 1, durationSeconds: 1, quick: true },
      points: [],
      knees: [],
      line: 'the knee',
    } as unknown as Sweep;
    const sweepMd = sweepMarkdown(sweep);
    expect(unsafe(sweepMd)).toEqual([]);
    expect(sweepMd).toContain('2 × EPYC # INJECTED CPU \\</script>\\<img src=x');

    const a = fixtureReport();
    const comparison = compareReports(
      { file: `reports/a\n## INJECTED FILE ${HTML}/report.json`, report: a },
      { file: 'reports/b/report.json', report: fixtureReport() },
    );
    const compareMd = compareMarkdown(comparison);
    expect(unsafe(compareMd)).toEqual([]);
    expect(compareMd).toMatch(/^A: \S+ \(reports\/a ## INJECTED FILE \\<\/script>\\<img /m);
    // The control: a plain path reads as written.
    expect(compareMd).toMatch(/^B: \S+ \(reports\/b\/report\.json\)$/m);
  });
});
