/**
 * A model that answered nothing (every request failed: a service that died, a target that sheds)
 * has no latency: its recorder's percentiles are 0 for "no answer came". The verdict leaves it
 * out (`answeredOnly`); every view of its latency shows no figure either, not the fastest one.
 */
import { compareMarkdown } from '../src/compare/compare-page';
import { compareReports } from '../src/compare/compare-reports';
import { chartSpecs } from '../src/report/chart-specs';
import type { Report } from '../src/report/report-schema';
import {
  CONNECTIONS_HEADER,
  connectionRows,
  SUMMARY_HEADER,
  summaryRows,
} from '../src/report/summary-rows';
import { verdictFor } from '../src/report/verdict';
import { SWEEP_HEADER, sweepCharts, sweepRows } from '../src/sweep/sweep-page';
import type { Sweep } from '../src/sweep/sweep-schema';
import { fixtureReport, result } from './support/results';

/** The fixture (a real run: async and threads on cpu and io-saturation), async dead on cpu. */
function withDeadAsync(): Report {
  const report = fixtureReport();
  const cpu = report.scenarios.find((s) => s.id === 'cpu');
  const dead = cpu?.results.find((r) => r.model === 'async');
  if (!dead) throw new Error('the fixture has no cpu/async');
  // What summarize() makes of a stream with no answer: the recorder's 0s, every request failed.
  Object.assign(dead.summary, { rps: 0, p50Ms: 0, p95Ms: 0, p99Ms: 0, failed: 5444 });
  return report;
}

const cells = (header: readonly string[], row: readonly string[] | undefined, names: string[]) =>
  names.map((h) => row?.[header.indexOf(h)]);
const LATENCY = ['p50 ms', 'p95 ms', 'p99 ms'];

describe('a model that answered nothing', () => {
  const report = withDeadAsync();

  it('has no latency figure in the summary table, and its zero req/s and failures stay', () => {
    const rows = summaryRows(report);
    const dead = rows.find((r) => r[0] === 'cpu' && r[1] === 'async');
    expect(cells(SUMMARY_HEADER, dead, ['req/s', ...LATENCY, 'failed'])).toEqual([
      '0.0',
      '—',
      '—',
      '—',
      '5444',
    ]);
    // The control: the model beside it answered, and shows its figures.
    const threads = rows.find((r) => r[0] === 'cpu' && r[1] === 'threads');
    expect(cells(SUMMARY_HEADER, threads, LATENCY)).toEqual(['49.9', '65.1', '77.3']);
  });

  it('has no p99 in the memory-per-connection table', () => {
    const io = fixtureReport();
    const scenario = io.scenarios.find((s) => s.id === 'io-saturation');
    if (!scenario) throw new Error('the fixture has no io-saturation');
    scenario.verdict.judge = 'memory-per-connection';
    const dead = scenario.results.find((r) => r.model === 'async');
    Object.assign(dead?.summary ?? {}, { rps: 0, p99Ms: 0 });
    const rows = connectionRows(io);
    const p99 = (model: string) =>
      cells(
        CONNECTIONS_HEADER,
        rows.find((r) => r[1] === model),
        ['p99 ms'],
      )[0];
    expect([p99('async'), p99('threads')]).toEqual(['—', '57.9']);
  });

  it('draws no latency bars, where the model that answered has its three', () => {
    const chart = chartSpecs(report).find((c) => c.id === 'latency');
    const values = (chart?.spec as { data: { values: { scenario: string; model: string }[] } }).data
      .values;
    const cpu = values.filter((v) => v.scenario === 'cpu').map((v) => v.model);
    expect(cpu).toEqual(['threads', 'threads', 'threads']);
    // The control: in io-saturation both answered, both have bars.
    expect(values.filter((v) => v.scenario === 'io-saturation')).toHaveLength(6);
  });

  it('shows no p99 in a p99 verdict’s figures', () => {
    const results = [result('async', 0, 0, 10), result('threads', 50, 20, 120)];
    const verdict = verdictFor('p99', { prefers: ['threads'], text: 'g' }, results);
    expect(verdict.note).toContain('(async —, threads 20 ms)');
  });

  it('compares as no figure, not 0, and flags nothing it cannot measure', () => {
    const alive = fixtureReport();
    const comparison = compareReports(
      { file: 'a/report.json', report: report },
      { file: 'b/report.json', report: alive },
    );
    const row = (figure: string) =>
      comparison.rows.find(
        (r) => r.scenario === 'cpu' && r.model === 'async' && r.figure === figure,
      );
    expect(row('p99')).toMatchObject({ a: null, ratio: null, flag: 'unknown' });
    expect(row('p50')).toMatchObject({ a: null, ratio: null, flag: 'unknown' });
    expect(compareMarkdown(comparison)).toMatch(/^\| cpu \| async \| p99 ms \| — \| 168 \| — \|/m);
    // The control: its req/s is a figure, 0, and the model that answered compares as before.
    expect(row('rps')).toMatchObject({ a: 0 });
    const threads = comparison.rows.find(
      (r) => r.scenario === 'cpu' && r.model === 'threads' && r.figure === 'p99',
    );
    expect(threads?.a).toBeCloseTo(77.344, 3);
  });
});

describe('a sweep point that answered nothing', () => {
  const point = (workers: number, rps: number) => ({
    model: 'threads' as const,
    workers,
    repeat: 0,
    summary: result('threads', rps, 80, 200).summary,
  });
  const sweep = {
    machine: { cpus: 2 },
    options: { models: ['threads'] },
    points: [point(1, 0), point(2, 90)],
  } as unknown as Sweep;

  it('has no latency in the table and no point on the p99 curve', () => {
    const [dead, alive] = sweepRows(sweep);
    expect(cells(SWEEP_HEADER, dead, ['req/s', 'p50 ms', 'p99 ms'])).toEqual(['0.0', '—', '—']);
    expect(cells(SWEEP_HEADER, alive, ['p50 ms', 'p99 ms'])).toEqual(['40.0', '80.0']);
    const p99 = sweepCharts(sweep).find((c) => c.id === 'sweep-p99');
    const layer = (p99?.spec as { layer: { data: { values: { p99Ms: number | null }[] } }[] })
      .layer[0];
    expect(layer?.data.values.map((v) => v.p99Ms)).toEqual([null, 80]);
  });
});
