import { tempFolder } from '@concurrency-lab/launcher/testing';
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { markdownReport } from '../src/report/markdown-report';
import { reportTables, SUMMARY_NOTE } from '../src/report/summary-rows';
import { writeReport } from '../src/report/write-report';
import { fixtureReport, result, scenario } from './support/results';
import type { Report } from '../src/report/report-schema';

/** No charts: report-kit's vega renderer is an ES module jest's CommonJS cannot load. */
const noCharts = () => Promise.resolve([]);

/** The fixture, as this version of the lab writes it. */
const current = (): Report => ({ ...fixtureReport(), schemaVersion: 5 });

describe('writeReport', () => {
  const root = tempFolder('lab-write-report-');

  it('writes report.json, report.md and index.html under <timestamp>/ and points latest at it', async () => {
    const report = current();
    const dir = await writeReport(report, root, noCharts);
    expect(readdirSync(dir).sort()).toEqual(['index.html', 'report.json', 'report.md']);
    expect(readlinkSync(join(root, 'latest'))).toBe(dir.split('/').pop());
    expect(JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'))).toEqual(report);
  });

  it('refuses a report its schema does not hold, writing nothing', async () => {
    const out = join(root, 'malformed');
    const report = { ...current(), schemaVersion: 3 } as unknown as Report;
    await expect(writeReport(report, out, noCharts)).rejects.toThrow(/schemaVersion/);
    expect(existsSync(out)).toBe(false);
  });
});

describe('the report’s tables', () => {
  it('say under the summary what failed and not sent mean, in report.md too', () => {
    const report = current();
    const [summary] = reportTables(report);
    expect(summary?.note).toBe(SUMMARY_NOTE);
    expect(markdownReport(report)).toContain(`\n\n${SUMMARY_NOTE}\n`);
  });

  it('hold memory per connection only for the scenarios judged on it', () => {
    const rows = (judges: ('throughput' | 'p99' | 'memory-per-connection')[]) =>
      reportTables({
        scenarios: judges.map((judge, i) =>
          scenario(`s${i}`, [result('async', 100, 5, 60)], judge),
        ),
      } as unknown as Report).map((t) => [t.heading, t.rows.map((r) => r[0])]);
    expect(rows(['throughput', 'p99', 'memory-per-connection'])).toEqual([
      ['Summary', ['s0', 's1', 's2']],
      ['Holding connections: memory per connection', ['s2']],
      ['Verdict beside the guide', ['s0', 's1', 's2']],
    ]);
    // The control: a run without io has no such table at all.
    expect(rows(['throughput', 'p99']).map(([heading]) => heading)).toEqual([
      'Summary',
      'Verdict beside the guide',
    ]);
  });
});
