import { chooseLines } from '../src/report/choose';
import { htmlReport } from '../src/report/html-report';
import { markdownReport } from '../src/report/markdown-report';
import type { Report } from '../src/report/report-schema';
import { fixtureReport } from './support/results';

/** The fixture's run (2 cores) with the 1-minute load average `start` and `end`. */
const loaded = (start: number, end: number): Report => {
  const report = fixtureReport();
  report.machine.loadAverage = { start: [start, 2, 3], end: [end, 7.01, 4.39] };
  return report;
};
const pages = (report: Report) => [markdownReport(report), htmlReport(report, [])];

describe('how busy the machine was', () => {
  it('shows the load average at the start and at the end', () => {
    for (const page of pages(loaded(1.7, 8.97))) {
      expect(page).toContain('load average 1.7 at the start, 9.0 at the end (1 min, 2 cores)');
    }
  });

  it("lists the first screen's caveat as the caveat it is, on both pages", () => {
    const report = loaded(1.7, 8.97);
    report.choose = chooseLines(report.scenarios, {
      sharedCores: true,
      cpus: 2,
      loadAverage: { start: 1.7, end: 8.97 },
      workload: null,
    });
    const [md = '', html = ''] = pages(report);
    expect(md).toMatch(/\n- Caveat: [^\n]*other work competed[^\n]*\n\n[^\n]*Local mode/);
    expect(html).toMatch(
      /<li class="caveat">Caveat: [^<]*other work competed[^<]*<\/li><\/ul><\/section>/,
    );
  });
});
